package fitconnect_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sozialplattform/onboarding/delivery/deliverytest"
	"sozialplattform/onboarding/delivery/fitconnect"
	"sozialplattform/onboarding/delivery/fitconnect/fitserver"
	"sozialplattform/onboarding/delivery/pki"
)

func submission(ref string) *fitconnect.Submission {
	return &fitconnect.Submission{
		DestinationID: deliverytest.DestinationID,
		Service:       fitconnect.ServiceType{Name: "Hilfe zum Lebensunterhalt", Identifier: deliverytest.ServiceID},
		Region:        "DE15085",
		DataSchema:    fitconnect.SubmissionSchema{MimeType: "application/xml", SchemaURI: fitserver.XSozialSchemaURI},
		Data:          []byte(`<?xml version="1.0"?><xsb:vorgang.transportieren.1000001 xmlns:xsb="https://portalverbund.d-nrw.de/efa/XSozial-basis/Version_2_4_0"/>`),
		Attachments: []fitconnect.Attachment{
			{Purpose: fitconnect.PurposeForm, Filename: "Antrag.pdf", MimeType: "application/pdf", Data: []byte("%PDF-1.7 Antrag " + ref)},
			{Purpose: fitconnect.PurposeAttachment, Filename: "Mietvertrag.pdf", MimeType: "application/pdf", Data: []byte("%PDF-1.7 Mietvertrag")},
		},
		SenderReference: ref,
		ApplicationDate: time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC),
	}
}

type recorder struct {
	states []fitconnect.State
	steps  []string
}

func (r *recorder) hooks() fitconnect.Hooks {
	return fitconnect.Hooks{
		Checkpoint: func(_ context.Context, st fitconnect.State) error { r.states = append(r.states, st); return nil },
		Step:       func(step, _ string) { r.steps = append(r.steps, step) },
	}
}

func TestSendIsAcceptedBySubscriber(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := deliverytest.NewFIT(t, deliverytest.FITOptions{})
	var got []fitserver.Received
	sender, err := fitconnect.NewSender(f.SenderConfig(nil))
	if err != nil {
		t.Fatal(err)
	}
	in := submission("HZL-2026-000001")
	var st fitconnect.State
	rec := &recorder{}
	if err := sender.Send(ctx, in, &st, rec.hooks()); err != nil {
		t.Fatalf("send: %v", err)
	}
	if !st.Submitted || st.SubmissionID == "" || st.Tags == nil {
		t.Fatalf("state after send: %+v", st)
	}
	if len(rec.states) < 2 || rec.states[0].SubmissionID != st.SubmissionID || rec.states[0].Tags != nil {
		t.Fatalf("the submission ID must be checkpointed before any upload: %+v", rec.states)
	}
	if strings.Join(rec.steps, ",") != "token,key,announced,submitted" {
		t.Errorf("steps %v", rec.steps)
	}
	o, err := sender.Status(ctx, st)
	if err != nil || !o.Submitted || o.Accepted {
		t.Fatalf("status before pickup: %+v, %v", o, err)
	}
	s := f.Env.Subscriber(f.URL, f.Destination, nil)
	n, err := processWith(ctx, s, &got)
	if err != nil || n != 1 {
		t.Fatalf("subscriber processed %d: %v", n, err)
	}
	if !got[0].Accepted || got[0].Metadata.AdditionalReferenceInfo.SenderReference != "HZL-2026-000001" ||
		len(got[0].Attachments) != 2 || got[0].Attachments[0].Purpose != "form" || string(got[0].Data) != string(in.Data) {
		t.Fatalf("received %+v", got[0])
	}
	o, err = sender.Status(ctx, st)
	if err != nil || !o.Accepted {
		t.Fatalf("status after pickup: %+v, %v", o, err)
	}
	// A second Send with the same state changes nothing.
	if err := sender.Send(ctx, in, &st, rec.hooks()); err != nil {
		t.Fatal(err)
	}
	if f.Env.Server.Stats()[fitserver.StateAccepted] != 1 || len(f.Env.Server.Stats()) != 1 {
		t.Fatalf("server states %v", f.Env.Server.Stats())
	}
}

func processWith(ctx context.Context, s *fitserver.Subscriber, got *[]fitserver.Received) (int, error) {
	return fitserver.ProcessWith(ctx, s, func(r fitserver.Received) { *got = append(*got, r) })
}

func TestResumeAfterLostSubmitAnswerDoesNotDuplicate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var dropSubmit atomic.Bool // read by the server's goroutines
	f := deliverytest.NewFIT(t, deliverytest.FITOptions{Wrap: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if dropSubmit.Load() && r.Method == http.MethodPut && strings.Count(r.URL.Path, "/") == 3 {
				fl := deliverytest.NewFlaky(h, 1, 1)
				fl.Kinds = []string{deliverytest.FaultDrop}
				fl.ServeHTTP(w, r)
				return
			}
			h.ServeHTTP(w, r)
		})
	}})
	sender, err := fitconnect.NewSender(f.SenderConfig(nil))
	if err != nil {
		t.Fatal(err)
	}
	in := submission("HZL-2026-000002")
	var st fitconnect.State
	rec := &recorder{}
	dropSubmit.Store(true)
	if err := sender.Send(ctx, in, &st, rec.hooks()); err == nil {
		t.Fatal("the lost answer should be an error")
	}
	dropSubmit.Store(false)
	stored := rec.states[len(rec.states)-1] // what the caller persisted
	if err := sender.Send(ctx, in, &stored, rec.hooks()); err != nil {
		t.Fatalf("resume: %v", err)
	}
	if !stored.Submitted || stored.SubmissionID != rec.states[0].SubmissionID {
		t.Fatalf("resume did not keep the submission: %+v", stored)
	}
	if got := f.Env.Server.Stats(); got[fitserver.StateSubmitted] != 1 || got[fitserver.StateIncomplete] != 0 {
		t.Fatalf("server states %v, want exactly one submitted", got)
	}
}

func TestKeyProblemsAreConfigErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ks := deliverytest.Keys(t)
	tests := []struct {
		name   string
		change func(f *deliverytest.FIT, in *fitconnect.Submission)
		want   string
	}{
		{"expired certificate", func(f *deliverytest.FIT, _ *fitconnect.Submission) {
			old := time.Now().Add(-48 * time.Hour)
			cert, err := f.Env.CA.Issue(&ks.DestinationEncryption.PublicKey, pki.Spec{CommonName: "alt", NotBefore: old.Add(-time.Hour), NotAfter: old})
			if err != nil {
				t.Fatal(err)
			}
			f.Env.Server.PublishEncryptionKey(deliverytest.DestinationID, fitconnect.NewJWK(&ks.DestinationEncryption.PublicKey, "enc-expired",
				fitconnect.OpWrapKey, []*x509.Certificate{cert, f.Env.CA.Cert}))
		}, "abgelaufen"},
		{"certificate carries another key", func(f *deliverytest.FIT, _ *fitconnect.Submission) {
			cert, err := f.Env.CA.Issue(&ks.OtherEncryption.PublicKey, pki.Spec{CommonName: "fremd", NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			k := fitconnect.NewJWK(&ks.DestinationEncryption.PublicKey, "enc-mixed", fitconnect.OpWrapKey, []*x509.Certificate{cert})
			f.Env.Server.PublishEncryptionKey(deliverytest.DestinationID, k)
		}, "ungültig"},
		{"signing key offered for encryption", func(f *deliverytest.FIT, _ *fitconnect.Submission) {
			f.Env.Server.PublishEncryptionKey(deliverytest.DestinationID, f.Destination.SigningJWK)
		}, "ungültig"},
		{"inactive destination", func(f *deliverytest.FIT, _ *fitconnect.Submission) {
			f.Env.Server.SetDestinationStatus(deliverytest.DestinationID, "inactive")
		}, "nicht aktiv"},
		{"unknown destination", func(_ *deliverytest.FIT, in *fitconnect.Submission) {
			in.DestinationID = "00000000-0000-4000-8000-000000000000"
		}, "gibt es nicht"},
		{"service not offered", func(_ *deliverytest.FIT, in *fitconnect.Submission) {
			in.Service.Identifier = "urn:de:fim:leika:leistung:00000000100841"
		}, "bietet die Leistung urn:de:fim:leika:leistung:00000000100841 (Hilfe zum Lebensunterhalt) für die Region DE15085 nicht an; er bietet: " + deliverytest.ServiceID + " in DE15085"},
		{"service offered for another region", func(_ *deliverytest.FIT, in *fitconnect.Submission) {
			in.Region = "DE15091"
		}, "für die Region DE15091 nicht an"},
		{"no service identifier", func(_ *deliverytest.FIT, in *fitconnect.Submission) {
			in.Service.Identifier = ""
		}, "keine Leistungskennung"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := deliverytest.NewFIT(t, deliverytest.FITOptions{})
			sender, err := fitconnect.NewSender(f.SenderConfig(nil))
			if err != nil {
				t.Fatal(err)
			}
			in := submission("X")
			tt.change(f, in)
			var st fitconnect.State
			err = sender.Send(ctx, in, &st, (&recorder{}).hooks())
			var ce *fitconnect.ConfigError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want a ConfigError with %q", err, tt.want)
			}
			if st.SubmissionID != "" {
				t.Fatal("nothing may be announced with a bad key")
			}
		})
	}
}

func TestRejectedSubmission(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := deliverytest.NewFIT(t, deliverytest.FITOptions{})
	sender, _ := fitconnect.NewSender(f.SenderConfig(nil))
	var st fitconnect.State
	if err := sender.Send(ctx, submission("R-1"), &st, (&recorder{}).hooks()); err != nil {
		t.Fatal(err)
	}
	s := f.Env.Subscriber(f.URL, f.Destination, nil)
	s = fitserver.WithDecide(s, func(*fitserver.Received) []fitconnect.Problem {
		return []fitconnect.Problem{{Type: "https://example.org/unvollstaendig", Title: "Unterlagen fehlen", Detail: "Mietvertrag unleserlich"}}
	})
	if _, err := s.ProcessPending(ctx); err != nil {
		t.Fatal(err)
	}
	o, err := sender.Status(ctx, st)
	if err != nil || !o.Rejected || len(o.Problems) != 1 || o.Problems[0].Title != "Unterlagen fehlen" {
		t.Fatalf("status %+v, %v", o, err)
	}
}

func TestMetadataSchema(t *testing.T) {
	t.Parallel()
	good := fitconnect.Metadata{ContentStructure: fitconnect.ContentStructure{
		Data: &fitconnect.DataDescription{Hash: fitconnect.SHA512([]byte("x")), SubmissionSchema: fitconnect.SubmissionSchema{MimeType: "application/xml", SchemaURI: "https://example.org/s"}},
		Attachments: []fitconnect.AttachmentDescription{{Hash: fitconnect.SHA512([]byte("p")), Purpose: "form", MimeType: "application/pdf",
			AttachmentID: "a1b2c3d4-0000-4000-8000-000000000001"}}}}
	if _, err := fitconnect.MarshalMetadata(&good); err != nil {
		t.Fatalf("valid metadata refused: %v", err)
	}
	for name, bad := range map[string]func(m *fitconnect.Metadata){
		"purpose":       func(m *fitconnect.Metadata) { m.ContentStructure.Attachments[0].Purpose = "anlage" },
		"hash type":     func(m *fitconnect.Metadata) { m.ContentStructure.Data.Hash.Type = "sha256" },
		"hash length":   func(m *fitconnect.Metadata) { m.ContentStructure.Data.Hash.Content = "abc" },
		"attachment id": func(m *fitconnect.Metadata) { m.ContentStructure.Attachments[0].AttachmentID = "nicht-uuid" },
		"mime type":     func(m *fitconnect.Metadata) { m.ContentStructure.Attachments[0].MimeType = "pdf" },
		"service urn":   func(m *fitconnect.Metadata) { m.PublicServiceType = &fitconnect.ServiceType{Identifier: "HzL"} },
	} {
		m := good
		m.ContentStructure.Attachments = append([]fitconnect.AttachmentDescription(nil), good.ContentStructure.Attachments...)
		d := *good.ContentStructure.Data
		m.ContentStructure.Data = &d
		bad(&m)
		if _, err := fitconnect.MarshalMetadata(&m); err == nil {
			t.Errorf("%s: invalid metadata accepted", name)
		}
	}
	raw, _ := json.Marshal(map[string]any{"contentStructure": map[string]any{}})
	if fitconnect.ValidateMetadata(raw) == nil {
		t.Error("metadata without attachments accepted")
	}
}

func TestCallbackVerification(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"type":"https://schema.fitko.de/fit-connect/submission-api/callbacks/new-events"}`)
	secret := "insecure_unsafe_qHScgrg_kP-R31jHUwp3GkVkGJolvBchz65b74Lzue0"
	ts := now.Add(-time.Minute).Unix()
	mac := fitconnect.SignCallback(secret, ts, body)
	if err := fitconnect.VerifyCallback(secret, strconv.FormatInt(ts, 10), mac, body, now); err != nil {
		t.Fatalf("valid callback refused: %v", err)
	}
	if err := fitconnect.VerifyCallback(secret, strconv.FormatInt(ts, 10), strings.ToUpper(mac), body, now); err != nil {
		t.Fatalf("upper-case hex refused: %v", err)
	}
	for name, c := range map[string]struct {
		ts   int64
		mac  string
		body []byte
		want error
	}{
		"older than five minutes": {now.Add(-5*time.Minute - time.Second).Unix(), fitconnect.SignCallback(secret, now.Add(-5*time.Minute-time.Second).Unix(), body), body, fitconnect.ErrCallbackStale},
		"from the future":         {now.Add(6 * time.Minute).Unix(), fitconnect.SignCallback(secret, now.Add(6*time.Minute).Unix(), body), body, fitconnect.ErrCallbackStale},
		"body changed":            {ts, mac, append([]byte(" "), body...), fitconnect.ErrCallbackSignature},
		"other secret":            {ts, fitconnect.SignCallback(secret+"x", ts, body), body, fitconnect.ErrCallbackSignature},
		"timestamp changed":       {ts + 1, mac, body, fitconnect.ErrCallbackSignature},
		"not hex":                 {ts, "zz", body, fitconnect.ErrCallbackSignature},
	} {
		if err := fitconnect.VerifyCallback(secret, strconv.FormatInt(c.ts, 10), c.mac, c.body, now); !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", name, err, c.want)
		}
	}
}

func TestForgedEventIsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := deliverytest.NewFIT(t, deliverytest.FITOptions{})
	sender, _ := fitconnect.NewSender(f.SenderConfig(nil))
	var st fitconnect.State
	if err := sender.Send(ctx, submission("F-1"), &st, (&recorder{}).hooks()); err != nil {
		t.Fatal(err)
	}
	// An accept signed by a key nobody published must not count.
	ks := deliverytest.Keys(t)
	forged, err := fitconnect.SignSET(fitconnect.SETClaims{Issuer: deliverytest.DestinationID, IssuedAt: time.Now().Unix(), JTI: "x",
		Subject: "submission:" + st.SubmissionID, Txn: "case:" + st.CaseID,
		Events: map[string]fitconnect.EventPayload{fitconnect.EventAcceptSubmission: {}}}, ks.OtherEncryption, f.Destination.SigningJWK.Kid)
	if err != nil {
		t.Fatal(err)
	}
	p, err := fitconnect.ParseSET(forged)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Verify(&f.Destination.SigningKey.PublicKey); err == nil {
		t.Fatal("forged SET verified")
	}
	// A SET of another type or without kid is refused before any key is
	// tried.
	for _, bad := range []string{"", "a.b.c", strings.Replace(forged, ".", "x.", 1)} {
		if _, err := fitconnect.ParseSET(bad); err == nil {
			t.Errorf("ParseSET accepted %q", bad)
		}
	}
}

// TestLocalServerPagingFollowsTheSpec: limit and offset are checked as
// components/parameters of the Submission API 1.1.3 define them
// (limit 1..500, offset ≥ 0); anything else is 400, as a real delivery
// service answers.
func TestLocalServerPagingFollowsTheSpec(t *testing.T) {
	t.Parallel()
	f := deliverytest.NewFIT(t, deliverytest.FITOptions{})
	form := strings.NewReader("grant_type=client_credentials")
	req, _ := http.NewRequest(http.MethodPost, f.URL+"/token", form)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(f.Env.SenderID, f.Env.SenderSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	for _, tc := range []struct {
		query string
		want  int
	}{
		{"limit=500", http.StatusNotFound}, // valid paging; the case is unknown
		{"limit=1&offset=0", http.StatusNotFound},
		{"limit=501", http.StatusBadRequest},
		{"limit=0", http.StatusBadRequest},
		{"limit=zehn", http.StatusBadRequest},
		{"offset=-1", http.StatusBadRequest},
	} {
		req, _ := http.NewRequest(http.MethodGet, f.URL+"/v1/cases/"+deliverytest.DestinationID+"/events?"+tc.query, nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("events?%s: HTTP %d, want %d", tc.query, resp.StatusCode, tc.want)
		}
	}
}

// TestChainCheckedWithoutTrustAnchor: without configured roots (FIT-Connect's
// test environment) the x5c chain is still checked link by link; a leaf
// followed by an unrelated certificate is refused.
func TestChainCheckedWithoutTrustAnchor(t *testing.T) {
	t.Parallel()
	ks := deliverytest.Keys(t)
	f := deliverytest.NewFIT(t, deliverytest.FITOptions{})
	cfg := f.SenderConfig(nil)
	cfg.Roots = nil
	sender, err := fitconnect.NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var st fitconnect.State
	if err := sender.Send(context.Background(), submission("OK"), &st, (&recorder{}).hooks()); err != nil {
		t.Fatalf("the test CA's own chain must pass without roots: %v", err)
	}
	other, err := pki.NewCA("Fremde CA", time.Now().Add(-time.Hour), 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := f.Env.CA.Issue(&ks.DestinationEncryption.PublicKey, pki.Spec{CommonName: "kette", NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	f.Env.Server.PublishEncryptionKey(deliverytest.DestinationID, fitconnect.NewJWK(&ks.DestinationEncryption.PublicKey, "enc-chain",
		fitconnect.OpWrapKey, []*x509.Certificate{cert, other.Cert}))
	st = fitconnect.State{}
	err = sender.Send(context.Background(), submission("KETTE"), &st, (&recorder{}).hooks())
	var ce *fitconnect.ConfigError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "is not signed by") {
		t.Fatalf("got %v, want a ConfigError about the chain", err)
	}
}

// TestDestinationKeyIsFetchedOnceAndReported: the sender fetches the
// destination's key from the Submission API, reports what it validated,
// and reuses it (cache by kid) for the next submission.
func TestDestinationKeyIsFetchedOnceAndReported(t *testing.T) {
	t.Parallel()
	var keyFetches atomic.Int64
	f := deliverytest.NewFIT(t, deliverytest.FITOptions{Wrap: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.URL.Path, "/keys/") {
				keyFetches.Add(1)
			}
			h.ServeHTTP(w, r)
		})
	}})
	sender, err := fitconnect.NewSender(f.SenderConfig(nil))
	if err != nil {
		t.Fatal(err)
	}
	var got []fitconnect.KeyInfo
	for i := range 3 {
		var st fitconnect.State
		h := (&recorder{}).hooks()
		h.Key = func(k fitconnect.KeyInfo) { got = append(got, k) }
		if err := sender.Send(context.Background(), submission("K-"+strconv.Itoa(i)), &st, h); err != nil {
			t.Fatal(err)
		}
	}
	if n := keyFetches.Load(); n != 1 {
		t.Errorf("the key was fetched %d times for 3 submissions, want once", n)
	}
	if len(got) != 3 || got[0].Kid != f.Destination.EncryptionJWK.Kid || got[0].Bits < fitconnect.MinRSABits || got[0].NotAfter.IsZero() || got[0].Thumbprint == "" {
		t.Errorf("reported keys: %+v", got)
	}
}
