package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/ticketd/ticketd/console"
)

// TestScreenshots writes the README's pictures of the console, when
// TICKETD_SCREENSHOTS names a directory: console-queue.png (the open
// queue) and console-ticket.png (a ticket with the customer's message,
// an agent's answer and a note), at a desktop size.
//
//	TICKETD_SCREENSHOTS=$PWD/docs go test -run TestScreenshots ./daemon/
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("TICKETD_SCREENSHOTS")
	if dir == "" {
		t.Skip("set TICKETD_SCREENSHOTS=DIR to write the console's screenshots there")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	tab := newTab(t)
	r := newConsoleRig(t)
	for i, name := range []string{
		"en-incident-screenshot.eml",
		"en-api-curl-500.eml",
		"es-incidencia-captura-inline.eml",
		"umbrella-en-warranty-incident.eml",
		"en-bulk-import-csv.eml",
		"es-carga-masiva-csv.eml",
		"en-question-how-to.eml",
		"en-upload-pdf-attached.eml",
	} {
		r.addTicket(t, name, fmt.Sprintf("SUP-%06d", i+1))
	}
	// What an agent did: answers, a note, assignments.
	act := consoleActions{r.d}
	luis := console.Author{Address: "luis@vendor.example", Name: "Luis Navarro"}
	steps := []func() error{
		func() error {
			_, err := act.Answer("SUP-000001", luis, "Hello Alice,\n\nthanks for the screenshot. A stop in tomorrow's Valencia plan has no coordinates "+
				"(Calle de Colón 18), and the optimizer gives up on it instead of skipping it. We are fixing that; in the meantime, "+
				"correct the address or remove the stop and optimize again.\n\nBest regards,\nLuis")
			return err
		},
		func() error {
			_, err := act.Note("SUP-000001", luis, "The geocoder returned no match after the street was renamed. Bug filed as RP-1184; check again after Thursday's release.")
			return err
		},
		func() error { _, err := act.Assign("SUP-000001", luis, "luis"); return err },
		func() error { _, err := act.Assign("SUP-000002", luis, "luis"); return err },
		func() error { _, err := act.Assign("SUP-000004", luis, "lena"); return err },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}

	r.login(t, tab, "luis", browserAgentPassword)
	run(t, tab, "a desktop window", chromedp.EmulateViewport(1280, 800))
	shoot := func(path, file string, clipTo string) {
		t.Helper()
		run(t, tab, "open "+path, chromedp.Navigate(r.base+path), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		ctx, cancel := context.WithTimeout(tab, browseTimeout)
		defer cancel()
		png, err := chromedp.Run(ctx, screenshotTo(clipTo))
		if err != nil {
			t.Fatalf("screenshot of %s: %v", path, err)
		}
		out := filepath.Join(dir, file)
		if err := os.WriteFile(out, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d KB)", out, len(png)/1024)
	}
	shoot("/queue/open", "console-queue.png", "")
	shoot("/tickets/SUP-000001", "console-ticket.png", ".actions")
}

// screenshotTo captures the page from its top down to the bottom of the
// element matching sel (the window when sel is ""), at the window's width.
func screenshotTo(sel string) chromedp.Action[[]byte] {
	return func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
		params := page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatPng}
		if sel != "" {
			q, _ := json.Marshal(sel)
			size, err := chromedp.Evaluate[[]float64](fmt.Sprintf(`(() => {
				const r = document.querySelector(%s).getBoundingClientRect();
				return [document.documentElement.clientWidth, r.bottom + window.scrollY + 16];
			})()`, q))(ctx, tg)
			if err != nil {
				return nil, err
			}
			params.Clip = &page.Viewport{Width: size[0], Height: size[1], Scale: 1}
			params.CaptureBeyondViewport = ptr(true)
		}
		res, err := cdp.Call(ctx, tg, page.CaptureScreenshot, params)
		if err != nil {
			return nil, err
		}
		return res.Data, nil
	}
}

func ptr[T any](v T) *T { return &v }
