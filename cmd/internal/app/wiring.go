package app

import (
	"crypto/tls"
	"fmt"
	"net"
	"strconv"

	"github.com/maillage/maillage/internal/decider"
	mserver "github.com/maillage/maillage/internal/server"
	"github.com/maillage/maillage/services/meetings"
	"github.com/maillage/maillage/services/notifications"
	"github.com/maillage/maillage/services/parcours"
	"github.com/maillage/maillage/services/partners"
)

func (a *App) tls() (*tls.Config, error) {
	switch a.cfg.TLS {
	case TLSOff:
		return nil, nil
	case TLSFiles:
		return mserver.LoadTLS(a.cfg.TLSCert, a.cfg.TLSKey)
	}
	cert, key, ca, err := mserver.EnsureDevCertificate(a.cfg.DataDir)
	if err != nil {
		return nil, err
	}
	a.caFile = ca
	return mserver.LoadTLS(cert, key)
}

// buildServices makes the services asked for, in AllServices order.
func (a *App) buildServices() ([]Service, error) {
	codec := decider.NewCodec(nil)
	var out []Service
	for _, name := range a.cfg.Services {
		switch name {
		case "parcours":
			s, err := a.newParcours(codec)
			if err != nil {
				return nil, fmt.Errorf("parcours: %w", err)
			}
			out = append(out, s)
		case "partners":
			out = append(out, partners.New())
		case "meetings":
			out = append(out, meetings.New())
		case "notifications":
			out = append(out, notifications.New())
		}
	}
	return out, nil
}

func splitHostPort(hp string) (string, int, error) {
	host, p, err := net.SplitHostPort(hp)
	if err != nil {
		return "", 0, err
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		return "", 0, fmt.Errorf("port %q: %w", p, err)
	}
	return host, port, nil
}

func (a *App) newParcours(codec *decider.Codec) (Service, error) {
	return parcours.New(parcours.Config{
		Store: a.store, Codec: codec, CheckpointDir: a.cfg.projectionsDir(),
		ViewWait: a.cfg.ViewWait, Now: a.cfg.Now, Logger: a.log,
	})
}
