package delivery

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"sozialplattform/onboarding/delivery/dvdv"
	"sozialplattform/onboarding/delivery/xta2"
	"sozialplattform/tenant/clock"
)

// xtaState is the XTA progress kept in a row.
type xtaState struct {
	MessageID string `json:"messageId,omitempty"`
	Endpoint  string `json:"endpoint,omitempty"`
}

// XTA routing metadata of an XSozial-basis message (sources in the
// README, "Codes und ihre Quellen"):
//   - Qualifier/Service is the DVDV service the payload itself names in
//     nachrichtenkopf.g2g/dvdvDienstkennung (reference message:
//     …/Version_2_4_0/XSoz240-BTH-BEA-SOP2BTH.wsdl);
//   - MessageType names the payload by its root element in the list
//     urn:de:payloadSchema:elementName 1.0, payloadSchema its namespace;
//     this list is the XTA practice of naming a payload by its element,
//     NOT contained in the reference set – to be confirmed with the
//     intermediary before production;
//   - BusinessScenario: no code of the XTA business-scenario list for
//     XSozial-basis is known from a citable source, so the scenario is
//     given as Undefined text rather than an invented code.
var xsozialMessageType = xta2.KeyCode{Code: "vorgang.transportieren.1000001", ListURI: "urn:de:payloadSchema:elementName", ListVersionID: "1.0"}

// xsozialBusinessScenario is the Undefined business scenario text.
const xsozialBusinessScenario = "XSozial-basis 2.4.0"

// dvdvServiceOf reads the DVDV service the XSozial-basis message names
// (nachrichtenkopf.g2g/dvdvDienstkennung).
func dvdvServiceOf(msg []byte) (string, error) {
	m := dvdvServicePattern.FindSubmatch(msg)
	if m == nil {
		return "", permanent("Die XSozial-basis-Nachricht nennt keinen DVDV-Dienst (dvdvDienstkennung); das XTA-Routing braucht ihn.")
	}
	return strings.TrimSpace(string(m[1])), nil
}

var dvdvServicePattern = regexp.MustCompile(`<dvdvDienstkennung>\s*([^<\s]+)\s*</dvdvDienstkennung>`)

// xtaClient returns the client for a DVDV entry: TLS with the platform's
// client certificate, trusting only the entry's certificate. Clients are
// kept per endpoint and certificate so that connections are reused.
func (s *Service) xtaClient(e *dvdv.DirectoryEntry) (*xta2.Client, error) {
	xo := s.xtaOptions()
	if xo == nil {
		return nil, permanent("OSCI/XTA2 ist auf dieser Plattform nicht eingerichtet.")
	}
	hc := xo.HTTPClient
	if hc == nil {
		key := e.Endpoint + "|" + e.CertThumbprint
		s.mu.Lock()
		hc = s.xtaCache[key]
		s.mu.Unlock()
		if hc == nil {
			cert, err := e.Cert()
			if err != nil {
				return nil, permanent("Das Zertifikat im DVDV-Eintrag %s ist unlesbar: %v", e.Kennung, err)
			}
			roots := x509.NewCertPool()
			roots.AddCert(cert)
			hc = xta2.TLSClient(xo.ClientCert, roots, xo.Timeout)
			s.mu.Lock()
			if old := s.xtaCache[key]; old != nil {
				hc = old
			} else {
				s.xtaCache[key] = hc
			}
			s.mu.Unlock()
		}
	}
	return xta2.NewClient(xta2.Config{Endpoint: e.Endpoint, Identity: xo.Author, HTTPClient: hc, Now: s.opts.Now}), nil
}

// dvdvEntry looks up the reader's routing entry.
func (s *Service) dvdvEntry(ctx context.Context, kennung string) (*dvdv.DirectoryEntry, error) {
	if s.opts.Directory == nil {
		return nil, permanent("Kein DVDV-Verzeichnis eingerichtet.")
	}
	if kennung == "" {
		return nil, permanent("Im Onboarding-Fall fehlt die DVDV-Behördenkennung.")
	}
	e, err := s.opts.Directory.Lookup(ctx, kennung)
	if errors.Is(err, dvdv.ErrNotFound) {
		return nil, permanent("Für die Behördenkennung %s gibt es keinen DVDV-Eintrag; das Ministerium muss ihn im DVDV-Verzeichnis anlegen.", kennung)
	}
	if err != nil {
		return nil, err
	}
	if !e.Active {
		return nil, permanent("Der DVDV-Eintrag %s ist gesperrt.", kennung)
	}
	if e.CertNotAfter != nil && s.now().After(*e.CertNotAfter) {
		return nil, permanent("Das Zertifikat im DVDV-Eintrag %s ist am %s abgelaufen.", kennung, e.CertNotAfter.Format("02.01.2006"))
	}
	return e, nil
}

func isFault(err error, codes ...string) bool {
	var f *xta2.Fault
	if !errors.As(err, &f) {
		return false
	}
	for _, c := range codes {
		if f.Code == c {
			return true
		}
	}
	return false
}

// sendXTA hands a document to the reader's intermediary: createMessageId
// (stored before anything is sent), then sendMessage. A retry asks for the
// transport report of the stored ID first; a server that already has the
// message answers a repeated send with 9024.
func (s *Service) sendXTA(ctx context.Context, j *job, doc *payload) outcome {
	xo := s.xtaOptions()
	if xo == nil {
		return outcome{err: permanent("OSCI/XTA2 ist auf dieser Plattform nicht eingerichtet.")}
	}
	entry, err := s.dvdvEntry(ctx, j.route.DVDVKennung)
	if err != nil {
		return outcome{err: err}
	}
	j.step("dvdv", entry.Name+" → "+entry.Endpoint)
	c, err := s.xtaClient(entry)
	if err != nil {
		return outcome{err: err}
	}
	var st xtaState
	if j.r.TransportState != "" {
		if err := json.Unmarshal([]byte(j.r.TransportState), &st); err != nil {
			return outcome{err: permanent("Der gespeicherte XTA-Stand ist beschädigt: %v", err)}
		}
	}
	done := func(err error) outcome {
		raw, _ := json.Marshal(st)
		return outcome{err: err, ref: st.MessageID, state: string(raw), follow: true}
	}
	if st.MessageID != "" && st.Endpoint == entry.Endpoint {
		_, err := c.GetTransportReport(ctx, st.MessageID)
		switch {
		case err == nil:
			j.step("sent", "Nachricht "+st.MessageID+" lag bereits beim Intermediär")
			return done(nil)
		case !isFault(err, xta2.CodeMessageIDUnknown):
			return done(err)
		}
	} else {
		if err := c.CheckAccountActive(ctx); err != nil {
			return done(err)
		}
		j.step("account", "XTA-Konto "+xo.Author.Identifier+" aktiv")
		id, err := c.CreateMessageID(ctx)
		if err != nil {
			return done(err)
		}
		st = xtaState{MessageID: id, Endpoint: entry.Endpoint}
		if err := j.checkpoint(ctx, id, st); err != nil {
			return done(err)
		}
		j.step("message-id", id)
	}
	now := s.now()
	service, err := dvdvServiceOf(doc.XML)
	if err != nil {
		return done(err)
	}
	label := j.route.Label
	if label == "" {
		label = j.r.Antragsstrecke
	}
	meta := &xta2.MessageMetaData{TestMsg: j.r.Purpose == PurposeConnectionTest, Origin: j.r.SubmittedAt, InitialSend: now,
		Author: xo.Author, Reader: xta2.Party{Identifier: j.route.DVDVKennung, Name: entry.Name}, MessageID: st.MessageID,
		Subject: strings.TrimSpace("Antrag " + label + " " + j.r.ReferenceNumber), Service: service,
		BusinessScenarioText: xsozialBusinessScenario, MessageType: xsozialMessageType, PayloadSchema: XSozialSchemaURI, MsgSize: int64(len(doc.XML))}
	name := j.r.ReferenceNumber
	if name == "" {
		name = "antrag"
	}
	content := &xta2.Container{Message: xta2.Content{ContentType: "application/xml", Filename: name + ".xml", Encoding: "UTF-8", Data: doc.XML}}
	if len(doc.PDF) > 0 {
		content.Attachments = append(content.Attachments, xta2.Content{ContentType: "application/pdf", Filename: name + ".pdf",
			Description: "Antragsformular", Data: doc.PDF})
	}
	for _, a := range doc.Attachments {
		content.Attachments = append(content.Attachments, xta2.Content{ContentType: a.ContentType, Filename: a.Name, Data: a.Data})
	}
	err = c.SendMessage(ctx, meta, content)
	if isFault(err, xta2.CodeMessageIDUsed) {
		err = nil // an earlier attempt arrived; its answer was lost
	}
	if err == nil {
		j.step("sent", "Nachricht "+st.MessageID+" an "+entry.Name+" übermittelt")
	}
	return done(err)
}

// followXTA reads the transport report: closed by the reader means picked
// up.
func (s *Service) followXTA(ctx context.Context, j *job) outcome {
	var st xtaState
	if err := json.Unmarshal([]byte(j.r.TransportState), &st); err != nil || st.MessageID == "" {
		return outcome{err: permanent("Der gespeicherte XTA-Stand ist beschädigt.")}
	}
	entry, err := s.dvdvEntry(ctx, j.route.DVDVKennung)
	if err != nil {
		return outcome{err: err}
	}
	c, err := s.xtaClient(entry)
	if err != nil {
		return outcome{err: err}
	}
	rep, err := c.GetTransportReport(ctx, st.MessageID)
	if err != nil {
		return outcome{err: err}
	}
	switch rep.Status {
	case xta2.StatusGreen, xta2.StatusYellow:
		j.step("picked-up", fmt.Sprintf("Nachricht am %s vom Fachverfahren abgeholt", rep.Meta.Reception.In(clock.Berlin()).Format("02.01.2006 15:04")))
		return outcome{final: StatusPickedUp, detail: "Vom Fachverfahren abgeholt"}
	case xta2.StatusRed:
		var reasons []string
		for _, e := range rep.Errors {
			reasons = append(reasons, e.Reason)
		}
		return outcome{final: StatusRejected, detail: "Transport gescheitert: " + strings.Join(reasons, "; ")}
	}
	return outcome{}
}
