package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/grpc"

	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
	"github.com/maillage/maillage/services/partners/finess"
)

// importReport is what import-finess prints when done.
type importReport struct {
	File           string            `json:"file"`
	Establishments int               `json:"establishments"`
	Registered     int               `json:"registered"`
	Updated        int               `json:"updated"`
	Unchanged      int               `json:"unchanged"`
	Rejected       []importRejection `json:"rejected"`
	Position       string            `json:"position,omitempty"`
	Took           string            `json:"took"`
}

type importRejection struct {
	Line   int64  `json:"line"`
	FINESS string `json:"finess,omitempty"`
	Reason string `json:"reason"`
}

func newImportFinessCmd(g *globals) *cobra.Command {
	var chunk int
	var quiet bool
	cmd := &cobra.Command{
		Use:   "import-finess FILE",
		Short: "Import the public FINESS extract (etalab-cs1100507 stock file) into the directory, idempotently",
		Long: `Reads the FINESS open-data stock file (Latin-1 or UTF-8), converts the
coordinates to WGS84, and imports every établissement into the directory:
new ones are registered, known ones updated where the extract changed them
(offers, territory, contacts and mission a professional stated are kept).
A category the mapping knows (` + finess.ProfileVersion + `) gives a new
partner its kind, mission and usual prestations. Progress goes to stderr;
the report, with every rejected line and why, to stdout as JSON.`,
		Example: `  maillagectl import-finess etalab-cs1100507-stock-20261201-0334.csv`,
		Args:    cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, false)
	c.timeout = 30 * time.Minute
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if chunk < 1 || chunk > 500 {
			return fmt.Errorf("--chunk %d: want 1 to 500", chunk)
		}
		start := time.Now()
		f, err := os.Open(args[0])
		if err != nil {
			return err
		}
		stock, err := finess.ReadAll(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", args[0], err)
		}
		report := &importReport{File: args[0], Establishments: len(stock.Establishments)}
		for _, r := range stock.Rejected {
			report.Rejected = append(report.Rejected, importRejection{Line: int64(r.Line), FINESS: r.FINESS, Reason: r.Reason})
		}
		progress := cmd.ErrOrStderr()
		if quiet {
			progress = io.Discard
		}
		if err := c.importStock(cmd.Context(), stock, chunk, report, progress); err != nil {
			return err
		}
		report.Took = time.Since(start).Round(time.Millisecond).String()
		return printJSONValue(cmd.OutOrStdout(), report)
	}
	cmd.Flags().IntVar(&chunk, "chunk", 500, "établissements per request")
	cmd.Flags().BoolVar(&quiet, "quiet", false, "no progress bar")
	return cmd
}

// importStock streams the établissements in chunks and adds up the
// answers, drawing a progress bar.
func (c *apiCall) importStock(ctx context.Context, stock *finess.Stock, chunk int, report *importReport, progress io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	conn, err := c.g.dial(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return importOn(ctx, conn, stock, chunk, report, progress)
}

// importOn imports stock on conn; see importStock.
func importOn(ctx context.Context, conn *grpc.ClientConn, stock *finess.Stock, chunk int, report *importReport, progress io.Writer) error {
	stream, err := partnersv1.NewPartnersServiceClient(conn).ImportPartners(ctx)
	if err != nil {
		return fmt.Errorf("import-finess: %w", rpcError(err))
	}
	// Each chunk's request id derives from the file's date and the chunk's
	// place: running the import again resends the same ids.
	prefix := "finess"
	if stock.Header != nil {
		prefix += "-" + stock.Header.Date.Format("20060102")
	}
	total := len(stock.Establishments)
	sent := 0
	errc := make(chan error, 1)
	go func() {
		for i := 0; i < total; i += chunk {
			req := &partnersv1.ImportPartnersRequest{RequestId: fmt.Sprintf("%s-%d", prefix, i/chunk)}
			for _, e := range stock.Establishments[i:min(i+chunk, total)] {
				req.Partners = append(req.Partners, finess.Imported(e))
			}
			if err := stream.Send(req); err != nil {
				errc <- err
				return
			}
		}
		errc <- stream.CloseSend()
	}()
	for sent < total {
		res, err := stream.Recv()
		if err != nil {
			return fmt.Errorf("import-finess: %w", rpcError(err))
		}
		sent += int(res.GetRegistered()+res.GetUpdated()+res.GetUnchanged()) + len(res.GetRejected())
		report.Registered += int(res.GetRegistered())
		report.Updated += int(res.GetUpdated())
		report.Unchanged += int(res.GetUnchanged())
		report.Position = res.GetPosition()
		for _, r := range res.GetRejected() {
			report.Rejected = append(report.Rejected, importRejection{Line: r.GetLine(), FINESS: r.GetOrganisationId(), Reason: r.GetReason()})
		}
		drawProgress(progress, sent, total, report)
	}
	fmt.Fprintln(progress)
	if err := <-errc; err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("import-finess: %w", rpcError(err))
	}
	return nil
}

func drawProgress(w io.Writer, done, total int, r *importReport) {
	const width = 30
	filled := width
	if total > 0 {
		filled = done * width / total
	}
	fmt.Fprintf(w, "\r[%s%s] %d/%d établissements (new %d, updated %d, unchanged %d, rejected %d)",
		strings.Repeat("#", filled), strings.Repeat(" ", width-filled), done, total, r.Registered, r.Updated, r.Unchanged, len(r.Rejected))
}
