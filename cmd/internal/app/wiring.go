package app

import (
	"crypto/tls"
	"fmt"
	"net"
	"strconv"

	mserver "github.com/maillage/maillage/internal/server"
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
