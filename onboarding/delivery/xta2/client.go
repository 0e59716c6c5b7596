package xta2

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"
)

// Config configures a Client.
type Config struct {
	// Endpoint is the XTA web service address (all ports share it).
	Endpoint string
	// Identity is the account's party: the author when sending, the
	// reader when fetching from the message box.
	Identity Party
	// HTTPClient does the requests; use TLSClient for HTTPS with a client
	// certificate (default: plain client with 60 s timeout).
	HTTPClient *http.Client
	// MaxAnswer caps an answer (default 128 MiB).
	MaxAnswer int64
	Now       func() time.Time
}

// Client calls an XTA 2 server. It is safe for concurrent use.
type Client struct{ cfg Config }

// NewClient returns a client.
func NewClient(cfg Config) *Client {
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 60 * time.Second}
	}
	if cfg.MaxAnswer <= 0 {
		cfg.MaxAnswer = 128 << 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Client{cfg: cfg}
}

// TLSClient returns an HTTP client that presents cert and trusts only
// roots (for example the server certificate the DVDV names).
func TLSClient(cert tls.Certificate, roots *x509.CertPool, timeout time.Duration) *http.Client {
	tr := &http.Transport{
		TLSClientConfig:     &tls.Config{Certificates: []tls.Certificate{cert}, RootCAs: roots, MinVersion: tls.VersionTLS12},
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
	}
	return &http.Client{Transport: tr, Timeout: timeout}
}

// HTTPError is an answer that is no SOAP message.
type HTTPError struct {
	Action string
	Status int
	After  time.Duration
}

func (e *HTTPError) Error() string { return fmt.Sprintf("XTA %s: HTTP %d", e.Action, e.Status) }

// Temporary reports whether a retry may help.
func (e *HTTPError) Temporary() bool {
	return e.Status >= 500 || e.Status == http.StatusTooManyRequests || e.Status == http.StatusRequestTimeout
}

// RetryAfter is the wait the server asked for.
func (e *HTTPError) RetryAfter() time.Duration { return e.After }

// ProtocolError is an answer that does not parse or fit; temporary.
type ProtocolError struct {
	Action string
	Err    error
}

func (e *ProtocolError) Error() string {
	return "XTA " + e.Action + ": malformed answer: " + e.Err.Error()
}
func (e *ProtocolError) Unwrap() error   { return e.Err }
func (e *ProtocolError) Temporary() bool { return true }

func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// call sends a request built by fill and returns the answer after
// checking addressing and faults.
func (c *Client) call(ctx context.Context, action string, fill func(e *Envelope) error) (*Envelope, error) {
	req := NewEnvelope(Addressing{Action: action, To: c.cfg.Endpoint, ReplyTo: true})
	if err := fill(req); err != nil {
		return nil, fmt.Errorf("XTA %s: own message violates the schema: %w", action, err)
	}
	body, err := req.Bytes()
	if err != nil {
		return nil, fmt.Errorf("XTA %s: %w", action, err)
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.Endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("XTA %s: %w", action, err)
	}
	hr.Header.Set("Content-Type", mime.FormatMediaType(ContentType, map[string]string{"charset": "utf-8", "action": action}))
	resp, err := c.cfg.HTTPClient.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("XTA %s: %w", action, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, c.cfg.MaxAnswer))
	if err != nil {
		return nil, fmt.Errorf("XTA %s: read answer: %w", action, err)
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt != ContentType {
		if resp.StatusCode == http.StatusOK {
			return nil, &ProtocolError{Action: action, Err: fmt.Errorf("content type %q", mt)}
		}
		return nil, &HTTPError{Action: action, Status: resp.StatusCode, After: retryAfter(resp.Header.Get("Retry-After"), c.cfg.Now())}
	}
	ans, err := ParseEnvelope(raw)
	if err != nil {
		if resp.StatusCode != http.StatusOK {
			return nil, &HTTPError{Action: action, Status: resp.StatusCode, After: retryAfter(resp.Header.Get("Retry-After"), c.cfg.Now())}
		}
		return nil, &ProtocolError{Action: action, Err: err}
	}
	if f := FaultOf(ans); f != nil {
		return nil, f
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &HTTPError{Action: action, Status: resp.StatusCode}
	}
	a := ans.Addressing()
	if a.RelatesTo != "" && a.RelatesTo != req.Addressing().MessageID {
		return nil, &ProtocolError{Action: action, Err: errors.New("answer relates to another request")}
	}
	if a.Action != "" && a.Action != action {
		return nil, &ProtocolError{Action: action, Err: fmt.Errorf("answer has action %q", a.Action)}
	}
	return ans, nil
}

// withAuthor adds the account's Author header.
func (c *Client) withAuthor(e *Envelope) error {
	writeParty(e.Header, "oscimeta:Author", c.cfg.Identity)
	return nil
}

// CheckAccountActive asks whether the account may use the server; a
// PermissionDeniedException fault says why not.
func (c *Client) CheckAccountActive(ctx context.Context) error {
	_, err := c.call(ctx, ActionCheckAccountActive, c.withAuthor)
	return err
}

// CreateMessageID asks the server for a new message ID.
func (c *Client) CreateMessageID(ctx context.Context) (string, error) {
	ans, err := c.call(ctx, ActionCreateMessageID, c.withAuthor)
	if err != nil {
		return "", err
	}
	p := ans.Payload()
	if err := Check(p); err != nil || !is(p, NSWSA, "MessageID") {
		return "", &ProtocolError{Action: ActionCreateMessageID, Err: fmt.Errorf("no wsa:MessageID in the answer: %v", err)}
	}
	return text(p), nil
}

// SendMessage hands a message to the server. meta must carry a message ID
// from CreateMessageID; a second send with the same ID answers a
// ParameterIsNotValidException with CodeMessageIDUsed.
func (c *Client) SendMessage(ctx context.Context, meta *MessageMetaData, content *Container) error {
	_, err := c.call(ctx, ActionSendMessage, func(e *Envelope) error {
		if err := Check(meta.Write(e.Header)); err != nil {
			return err
		}
		return Check(content.Write(e.Body))
	})
	return err
}

// GetTransportReport returns the server's report of a message.
func (c *Client) GetTransportReport(ctx context.Context, messageID string) (*TransportReport, error) {
	ans, err := c.call(ctx, ActionGetTransportReport, func(e *Envelope) error {
		c.withAuthor(e)
		e.Body.CreateElement("wsa:MessageID").SetText(messageID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	r, err := ReadTransportReport(ans.Payload())
	if err != nil {
		return nil, &ProtocolError{Action: ActionGetTransportReport, Err: err}
	}
	return r, nil
}

// GetStatusList lists up to max messages waiting in the account's box.
func (c *Client) GetStatusList(ctx context.Context, max int) (*MsgBoxResponse, []MessageMetaData, error) {
	ans, err := c.call(ctx, ActionGetStatusList, func(e *Envelope) error {
		c.withAuthor(e)
		r := e.Body.CreateElement("osci:MsgBoxStatusListRequest")
		r.CreateAttr("maxListItems", strconv.Itoa(max))
		r.CreateAttr("ListForm", "MessageMetaData")
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	mb, err := ReadMsgBoxResponse(child(ans.Header, NSOSCI, "MsgBoxResponse"))
	if err != nil {
		return nil, nil, &ProtocolError{Action: ActionGetStatusList, Err: err}
	}
	list := ans.Payload()
	if err := Check(list); err != nil {
		return nil, nil, &ProtocolError{Action: ActionGetStatusList, Err: err}
	}
	var out []MessageMetaData
	for _, m := range children(list, NSOSCIMeta, "MessageMetaData") {
		md, err := ReadMessageMetaData(m)
		if err != nil {
			return nil, nil, &ProtocolError{Action: ActionGetStatusList, Err: err}
		}
		out = append(out, *md)
	}
	return mb, out, nil
}

// GetMessage fetches one message of the account's box.
func (c *Client) GetMessage(ctx context.Context, messageID string) (*MessageMetaData, *Container, *MsgBoxResponse, error) {
	ans, err := c.call(ctx, ActionGetMessage, func(e *Envelope) error {
		c.withAuthor(e)
		e.Body.CreateElement("osci:MsgBoxFetchRequest").CreateElement("osci:MsgSelector").CreateElement("wsa:MessageID").SetText(messageID)
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	meta, err := ReadMessageMetaData(child(ans.Header, NSOSCIMeta, "MessageMetaData"))
	if err != nil {
		return nil, nil, nil, &ProtocolError{Action: ActionGetMessage, Err: err}
	}
	mb, err := ReadMsgBoxResponse(child(ans.Header, NSOSCI, "MsgBoxResponse"))
	if err != nil {
		return nil, nil, nil, &ProtocolError{Action: ActionGetMessage, Err: err}
	}
	cont, err := ReadContainer(ans.Payload())
	if err != nil {
		return nil, nil, nil, &ProtocolError{Action: ActionGetMessage, Err: err}
	}
	return meta, cont, mb, nil
}

// Close ends a fetch: the messages named are marked received and leave
// the box.
func (c *Client) Close(ctx context.Context, requestID string, messageIDs ...string) error {
	_, err := c.call(ctx, ActionClose, func(e *Envelope) error {
		c.withAuthor(e)
		r := e.Body.CreateElement("osci:MsgBoxCloseRequest")
		r.CreateAttr("MsgBoxRequestID", requestID)
		for _, id := range messageIDs {
			r.CreateElement("osci:LastMsgReceived").SetText(id)
		}
		return nil
	})
	return err
}
