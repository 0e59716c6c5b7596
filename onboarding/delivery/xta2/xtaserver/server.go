// Package xtaserver is a local XTA 2 server (subset of XTA-WS 2.1.1) for
// tests and the demo: accounts bound to client certificates,
// checkAccountActive, createMessageId, sendMessage into the reader's
// message box, getTransportReport, and getStatusList → getMessage → close
// for the Fachverfahren that fetches. Every request and answer is checked
// against the structure of the XSDs (xta2.Check). State lives in memory.
package xtaserver

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/beevik/etree"
	"github.com/google/uuid"

	"sozialplattform/onboarding/delivery/xta2"
)

// Options configure a Server.
type Options struct {
	// Identity is the server's name in transport reports.
	Identity string
	// MaxBody caps a request (default 64 MiB).
	MaxBody int64
	Now     func() time.Time
	Logger  *slog.Logger
	// Accounts, when set, is asked for an identifier that AddAccount did
	// not register: it says whether the account exists and which client
	// certificates (SHA-256 fingerprints) may act as it. The demo answers
	// from its data, so that a municipality set up later has an account
	// without a restart.
	Accounts func(ctx context.Context, identifier string) (fingerprints []string, ok bool, err error)
	// Delivered, when set, learns the reader of each message put into a
	// message box (after the lock is released), so that a fetching
	// Fachverfahren need not poll.
	Delivered func(reader string)
}

// Server is the local XTA 2 server. It is safe for concurrent use.
type Server struct {
	opts Options

	mu       sync.Mutex
	accounts map[string]*account
	created  map[string]string // message ID → author that created it
	messages map[string]*message
	requests map[string]string // MsgBoxRequestID → reader
}

type account struct {
	certs []string // SHA-256 fingerprints (hex) of the client certificates; empty: any
}

type message struct {
	meta    xta2.MessageMetaData
	content *xta2.Container
	status  int
	infos   []xta2.Record
	closed  bool
}

// New returns an empty server.
func New(opts Options) *Server {
	if opts.Identity == "" {
		opts.Identity = "xta2-lokal"
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = 64 << 20
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Server{opts: opts, accounts: map[string]*account{}, created: map[string]string{}, messages: map[string]*message{},
		requests: map[string]string{}}
}

// Fingerprint is the SHA-256 of a certificate's DER, in hex.
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// AddAccount registers an identifier (e.g. a DVDV Behördenkennung); when
// fingerprints are given, only a TLS client with one of these
// certificates may act as it.
func (s *Server) AddAccount(identifier string, fingerprints ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accounts[identifier] = &account{certs: fingerprints}
}

// account finds an account: registered, or known to Options.Accounts.
func (s *Server) account(ctx context.Context, id string) (*account, bool, error) {
	s.mu.Lock()
	acc, ok := s.accounts[id]
	s.mu.Unlock()
	if ok || s.opts.Accounts == nil || id == "" {
		return acc, ok, nil
	}
	fps, ok, err := s.opts.Accounts(ctx, id)
	if err != nil || !ok {
		if err != nil {
			s.opts.Logger.Warn("xta2 account lookup", "identifier", id, "err", err)
		}
		return nil, false, err
	}
	return &account{certs: fps}, true, nil
}

// Handler serves the web service at any path.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(s.serve)
}

func (s *Server) answer(w http.ResponseWriter, e *xta2.Envelope, status int) {
	b, err := e.Bytes()
	if err != nil {
		http.Error(w, "encoding failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", xta2.ContentType+"; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

func (s *Server) fault(w http.ResponseWriter, f *xta2.Fault, req xta2.Addressing) {
	status := http.StatusBadRequest
	if f.Receiver {
		status = http.StatusInternalServerError
	}
	s.answer(w, xta2.FaultEnvelope(f, xta2.Addressing{Action: req.Action, RelatesTo: req.MessageID}), status)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != xta2.ContentType {
		http.Error(w, "SOAP 1.2 (application/soap+xml) expected", http.StatusUnsupportedMediaType)
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBody))
	if err != nil {
		s.fault(w, xta2.NewFault(xta2.ExcParameterIsNotValid, xta2.CodeTooLarge, ""), xta2.Addressing{})
		return
	}
	req, err := xta2.ParseEnvelope(raw)
	if err != nil {
		s.fault(w, &xta2.Fault{Reason: err.Error()}, xta2.Addressing{})
		return
	}
	a := req.Addressing()
	if a.Action == "" || a.MessageID == "" {
		s.fault(w, &xta2.Fault{Reason: "WS-Addressing headers Action and MessageID are required"}, a)
		return
	}
	if act := params["action"]; act != "" && act != a.Action {
		s.fault(w, &xta2.Fault{Reason: "action parameter and wsa:Action differ"}, a)
		return
	}
	ans := xta2.NewEnvelope(xta2.Addressing{Action: a.Action, RelatesTo: a.MessageID})
	var f *xta2.Fault
	switch a.Action {
	case xta2.ActionCheckAccountActive:
		_, f = s.caller(r, req, nil)
	case xta2.ActionCreateMessageID:
		f = s.createMessageID(r, req, ans)
	case xta2.ActionSendMessage:
		f = s.sendMessage(r, req)
	case xta2.ActionGetTransportReport:
		f = s.transportReport(r, req, ans)
	case xta2.ActionGetStatusList:
		f = s.statusList(r, req, ans)
	case xta2.ActionGetMessage:
		f = s.getMessage(r, req, ans)
	case xta2.ActionClose:
		f = s.close(r, req)
	default:
		f = &xta2.Fault{Reason: "unknown action " + a.Action}
	}
	if f != nil {
		s.fault(w, f, a)
		return
	}
	s.answer(w, ans, http.StatusOK)
}

// caller identifies the account from the Author header (or from author,
// when given) and checks the client certificate.
func (s *Server) caller(r *http.Request, req *xta2.Envelope, author *xta2.Party) (string, *xta2.Fault) {
	id := ""
	if author != nil {
		id = author.Identifier
	} else {
		var h *etree.Element
		for _, c := range req.Header.ChildElements() {
			if c.Tag == "Author" && c.NamespaceURI() == xta2.NSOSCIMeta {
				h = c
			}
		}
		if h == nil {
			return "", xta2.NewFault(xta2.ExcPermissionDenied, xta2.CodeAccountUnknown, "Author header missing")
		}
		if err := xta2.Check(h); err != nil {
			return "", xta2.NewFault(xta2.ExcParameterIsNotValid, xta2.CodeBadCombination, err.Error())
		}
		for _, c := range h.ChildElements() {
			id = strings.TrimSpace(c.Text())
		}
	}
	acc, ok, err := s.account(r.Context(), id)
	if err != nil {
		return "", xta2.NewFault(xta2.ExcTechnicalProblem, xta2.CodeInternal, "")
	}
	if !ok {
		return "", xta2.NewFault(xta2.ExcPermissionDenied, xta2.CodeAccountUnknown, "")
	}
	if len(acc.certs) > 0 {
		if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
			return "", xta2.NewFault(xta2.ExcPermissionDenied, xta2.CodeAuthorMismatch, "client certificate required")
		}
		fp := Fingerprint(r.TLS.PeerCertificates[0].Raw)
		found := false
		for _, c := range acc.certs {
			found = found || c == fp
		}
		if !found {
			return "", xta2.NewFault(xta2.ExcPermissionDenied, xta2.CodeAuthorMismatch, "")
		}
	}
	return id, nil
}

func (s *Server) createMessageID(r *http.Request, req, ans *xta2.Envelope) *xta2.Fault {
	author, f := s.caller(r, req, nil)
	if f != nil {
		return f
	}
	id := "urn:de:xta:messageid:" + s.opts.Identity + ":" + uuid.NewString()
	s.mu.Lock()
	s.created[id] = author
	s.mu.Unlock()
	ans.Body.CreateElement("wsa:MessageID").SetText(id)
	return nil
}

func (s *Server) sendMessage(r *http.Request, req *xta2.Envelope) *xta2.Fault {
	var metaEl *etree.Element
	for _, c := range req.Header.ChildElements() {
		if c.Tag == "MessageMetaData" && c.NamespaceURI() == xta2.NSOSCIMeta {
			metaEl = c
		}
	}
	if metaEl == nil {
		return xta2.NewFault(xta2.ExcParameterIsNotValid, xta2.CodeNoParameters, "MessageMetaData header missing")
	}
	meta, err := xta2.ReadMessageMetaData(metaEl)
	if err != nil {
		return xta2.NewFault(xta2.ExcParameterIsNotValid, xta2.CodeBadCombination, err.Error())
	}
	author, f := s.caller(r, req, &meta.Author)
	if f != nil {
		return f
	}
	content, err := xta2.ReadContainer(req.Payload())
	if err != nil {
		return xta2.NewFault(xta2.ExcParameterIsNotValid, xta2.CodeBadCombination, err.Error())
	}
	if strings.Contains(content.Message.ContentType, "xml") {
		if err := etree.NewDocument().ReadFromBytes(content.Message.Data); err != nil {
			return xta2.NewFault(xta2.ExcMessageSchemaViolation, xta2.CodeSchemaViolation, "")
		}
	}
	_, readerKnown, err := s.account(r.Context(), meta.Reader.Identifier)
	if err != nil {
		return xta2.NewFault(xta2.ExcTechnicalProblem, xta2.CodeInternal, "")
	}
	f = s.deliver(meta, author, content, readerKnown)
	if f == nil && s.opts.Delivered != nil {
		s.opts.Delivered(meta.Reader.Identifier)
	}
	return f
}

// deliver puts a message into its reader's message box.
func (s *Server) deliver(meta *xta2.MessageMetaData, author string, content *xta2.Container, readerKnown bool) *xta2.Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.created[meta.MessageID] != author:
		return xta2.NewFault(xta2.ExcInvalidMessageID, xta2.CodeMessageIDUnknown, "")
	case s.messages[meta.MessageID] != nil:
		return xta2.NewFault(xta2.ExcParameterIsNotValid, xta2.CodeMessageIDUsed, "")
	case !readerKnown:
		return xta2.NewFault(xta2.ExcParameterIsNotValid, xta2.CodeDirectory, "Leser "+meta.Reader.Identifier+" unbekannt")
	}
	now := s.opts.Now()
	meta.Delivery = now
	s.messages[meta.MessageID] = &message{meta: *meta, content: content, status: xta2.StatusOpen,
		infos: []xta2.Record{xta2.NewRecord(now, "delivered", "Nachricht im Postfach des Lesers abgelegt")}}
	return nil
}

func (s *Server) messageID(req *xta2.Envelope) string {
	p := req.Payload()
	if p == nil || xta2.Check(p) != nil || p.Tag != "MessageID" {
		return ""
	}
	return strings.TrimSpace(p.Text())
}

func (s *Server) transportReport(r *http.Request, req, ans *xta2.Envelope) *xta2.Fault {
	who, f := s.caller(r, req, nil)
	if f != nil {
		return f
	}
	id := s.messageID(req)
	s.mu.Lock()
	m, ok := s.messages[id]
	var rep xta2.TransportReport
	if ok && (m.meta.Author.Identifier == who || m.meta.Reader.Identifier == who) {
		rep = xta2.TransportReport{Meta: m.meta, ReportTime: s.opts.Now(), ServerIdentity: s.opts.Identity, Status: m.status,
			Infos: append([]xta2.Record(nil), m.infos...)}
	} else {
		ok = false
	}
	s.mu.Unlock()
	if !ok {
		return xta2.NewFault(xta2.ExcInvalidMessageID, xta2.CodeMessageIDUnknown, "")
	}
	rep.Write(ans.Body)
	return nil
}

// box lists the reader's messages not closed yet, oldest first; s.mu is
// held.
func (s *Server) box(reader string) []*message {
	var out []*message
	for _, m := range s.messages {
		if m.meta.Reader.Identifier == reader && !m.closed {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].meta.Delivery.Equal(out[j].meta.Delivery) {
			return out[i].meta.Delivery.Before(out[j].meta.Delivery)
		}
		return out[i].meta.MessageID < out[j].meta.MessageID
	})
	return out
}

func (s *Server) statusList(r *http.Request, req, ans *xta2.Envelope) *xta2.Fault {
	reader, f := s.caller(r, req, nil)
	if f != nil {
		return f
	}
	p := req.Payload()
	if p == nil || p.Tag != "MsgBoxStatusListRequest" || xta2.Check(p) != nil {
		return xta2.NewFault(xta2.ExcParameterIsNotValid, xta2.CodeBadCombination, "MsgBoxStatusListRequest expected")
	}
	limit := 100
	if v := p.SelectAttrValue("maxListItems", ""); v != "" {
		var n int
		for _, ch := range v {
			n = n*10 + int(ch-'0')
		}
		limit = max(1, min(n, 1000))
	}
	reqID := "urn:uuid:" + uuid.NewString()
	s.mu.Lock()
	box := s.box(reader)
	s.requests[reqID] = reader
	var metas []xta2.MessageMetaData
	for i, m := range box {
		if i >= limit {
			break
		}
		metas = append(metas, m.meta)
	}
	s.mu.Unlock()
	mb := xta2.MsgBoxResponse{RequestID: reqID, ItemsPending: len(box) - len(metas)}
	if len(metas) == 0 {
		mb.NoMessageReason = xta2.ReasonNoMatch
	}
	mb.Write(ans.Header)
	list := ans.Body.CreateElement("osci:MsgStatusList")
	for i := range metas {
		metas[i].Write(list)
	}
	return nil
}

func (s *Server) getMessage(r *http.Request, req, ans *xta2.Envelope) *xta2.Fault {
	reader, f := s.caller(r, req, nil)
	if f != nil {
		return f
	}
	p := req.Payload()
	if p == nil || p.Tag != "MsgBoxFetchRequest" || xta2.Check(p) != nil {
		return xta2.NewFault(xta2.ExcParameterIsNotValid, xta2.CodeBadCombination, "MsgBoxFetchRequest expected")
	}
	id := ""
	for _, sel := range p.ChildElements() {
		for _, c := range sel.ChildElements() {
			if c.Tag == "MessageID" && id == "" {
				id = strings.TrimSpace(c.Text())
			}
		}
	}
	reqID := "urn:uuid:" + uuid.NewString()
	s.mu.Lock()
	m, ok := s.messages[id]
	if !ok || m.closed || m.meta.Reader.Identifier != reader {
		s.mu.Unlock()
		return xta2.NewFault(xta2.ExcInvalidMessageID, xta2.CodeMessageIDUnknown, "")
	}
	if m.meta.InitialFetch.IsZero() {
		now := s.opts.Now()
		m.meta.InitialFetch = now
		m.infos = append(m.infos, xta2.NewRecord(now, "fetched", "Nachricht vom Leser abgerufen"))
	}
	s.requests[reqID] = reader
	meta, content := m.meta, m.content
	s.mu.Unlock()
	meta.Write(ans.Header)
	(&xta2.MsgBoxResponse{RequestID: reqID}).Write(ans.Header)
	content.Write(ans.Body)
	return nil
}

func (s *Server) close(r *http.Request, req *xta2.Envelope) *xta2.Fault {
	reader, f := s.caller(r, req, nil)
	if f != nil {
		return f
	}
	p := req.Payload()
	if p == nil || p.Tag != "MsgBoxCloseRequest" || xta2.Check(p) != nil {
		return xta2.NewFault(xta2.ExcParameterIsNotValid, xta2.CodeBadCombination, "MsgBoxCloseRequest expected")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.requests[p.SelectAttrValue("MsgBoxRequestID", "")] != reader {
		return xta2.NewFault(xta2.ExcInvalidMessageID, xta2.CodeMessageIDUnknown, "MsgBoxRequestID unknown")
	}
	var ids []string
	for _, c := range p.ChildElements() {
		ids = append(ids, strings.TrimSpace(c.Text()))
	}
	for _, id := range ids {
		if m, ok := s.messages[id]; !ok || m.meta.Reader.Identifier != reader {
			return xta2.NewFault(xta2.ExcInvalidMessageID, xta2.CodeMessageIDUnknown, "")
		}
	}
	now := s.opts.Now()
	for _, id := range ids {
		m := s.messages[id]
		if m.closed {
			continue
		}
		m.closed, m.status = true, xta2.StatusGreen
		m.meta.Reception = now
		m.infos = append(m.infos, xta2.NewRecord(now, "received", "Empfang durch den Leser bestätigt"))
	}
	delete(s.requests, p.SelectAttrValue("MsgBoxRequestID", ""))
	return nil
}

// Messages returns the metadata of every message received, open or
// closed, ordered by delivery.
func (s *Server) Messages() []xta2.MessageMetaData {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]xta2.MessageMetaData, 0, len(s.messages))
	for _, m := range s.messages {
		out = append(out, m.meta)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Delivery.Before(out[j].Delivery) })
	return out
}
