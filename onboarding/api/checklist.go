package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/onboarding"
	coreapi "sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/download"
)

type itemInput struct {
	CaseID string `path:"caseId" maxLength:"64"`
	ItemID string `path:"itemId" maxLength:"200"`
	Body   struct {
		Done    *bool   `json:"done,omitempty" doc:"erledigt; wer und wann werden vermerkt"`
		Comment *string `json:"comment,omitempty" maxLength:"2000"`
		Version int     `json:"version,omitempty" minimum:"0" doc:"Stand des Punkts; bei Abweichung 409 (optional)"`
	}
}

type itemOutput struct{ Body *onboarding.Item }

type uploadInput struct {
	CaseID      string `path:"caseId" maxLength:"64"`
	ItemID      string `path:"itemId" maxLength:"200"`
	ContentType string `header:"Content-Type"`
	RawBody     []byte `contentType:"multipart/form-data"`
}

type attachmentOutput struct{ Body *onboarding.Attachment }

type attachmentPathInput struct {
	CaseID       string `path:"caseId" maxLength:"64"`
	AttachmentID string `path:"attachmentId" maxLength:"64"`
}

type fileOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	CacheControl       string `header:"Cache-Control"`
	Body               []byte
}

func (a *API) registerChecklist(api huma.API) {
	coreapi.Register(api, huma.Operation{
		OperationID: "updateChecklistItem", Method: http.MethodPut, Path: "/v1/onboarding-cases/{caseId}/checklist/{itemId}", Tags: []string{tagCases},
		Summary: "Punkt der Checkliste abhaken oder kommentieren",
		Errors:  []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: onboarding.ObjCase, Act: authz.Update}, func(ctx context.Context, in *itemInput) (*itemOutput, error) {
		if _, err := a.caseFor(ctx, in.CaseID, authz.Update); err != nil {
			return nil, err
		}
		it, err := a.store.SetItem(ctx, in.CaseID, in.ItemID, onboarding.ItemPatch{Done: in.Body.Done, Comment: in.Body.Comment, Version: in.Body.Version})
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &itemOutput{Body: it}, nil
	})

	upload := huma.Operation{
		OperationID: "addChecklistAttachment", Method: http.MethodPost, Path: "/v1/onboarding-cases/{caseId}/checklist/{itemId}/attachments", Tags: []string{tagCases},
		Summary: "Datei anhängen",
		Description: fmt.Sprintf("Hängt eine Datei (multipart/form-data, Feld `file`) an einen Punkt der Checkliste, z. B. den unterzeichneten "+
			"Sub-Nachnutzungsvertrag. Erlaubt sind PDF, PNG und JPEG – erkannt am Inhalt, nicht am Namen – bis %s.", onboarding.SizeText(a.store.MaxAttachmentBytes())),
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusNotFound, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity},
		MaxBodyBytes: a.store.MaxAttachmentBytes() + 64<<10,
		// The handler reads the multipart body itself, after checking the
		// case: huma only documents it.
		SkipValidateBody: true,
		RequestBody: &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{"multipart/form-data": {
			Schema: &huma.Schema{Type: "object", Required: []string{"file"}, Properties: map[string]*huma.Schema{
				"file": {Type: "string", Format: "binary", Description: "PDF, PNG oder JPEG"}}},
		}}},
	}
	coreapi.Register(api, upload, coreapi.Access{Obj: onboarding.ObjCase, Act: authz.Update}, func(ctx context.Context, in *uploadInput) (*attachmentOutput, error) {
		if _, err := a.caseFor(ctx, in.CaseID, authz.Update); err != nil {
			return nil, err
		}
		name, data, err := a.readFile(in.ContentType, in.RawBody)
		if err != nil {
			return nil, err
		}
		att, err := a.store.AddAttachment(ctx, in.CaseID, in.ItemID, name, data)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &attachmentOutput{Body: att}, nil
	})

	downloadOp := huma.Operation{
		OperationID: "getChecklistAttachment", Method: http.MethodGet, Path: "/v1/onboarding-cases/{caseId}/attachments/{attachmentId}", Tags: []string{tagCases},
		Summary: "Anhang herunterladen",
	}
	downloadOp.Responses = map[string]*huma.Response{"200": {Description: "die Datei", Content: map[string]*huma.MediaType{
		"application/pdf": {Schema: &huma.Schema{Type: "string", Format: "binary"}},
		"image/png":       {Schema: &huma.Schema{Type: "string", Format: "binary"}},
		"image/jpeg":      {Schema: &huma.Schema{Type: "string", Format: "binary"}},
	}}}
	coreapi.Register(api, downloadOp, coreapi.Access{Obj: onboarding.ObjCase, Act: authz.Read}, func(ctx context.Context, in *attachmentPathInput) (*fileOutput, error) {
		if _, err := a.caseFor(ctx, in.CaseID, authz.Read); err != nil {
			return nil, err
		}
		att, err := a.store.Attachment(ctx, in.CaseID, in.AttachmentID)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &fileOutput{ContentType: att.ContentType, ContentDisposition: download.Attachment(att.Filename),
			CacheControl: "private, no-store", Body: att.Data}, nil
	})

	coreapi.Register(api, huma.Operation{
		OperationID: "deleteChecklistAttachment", Method: http.MethodDelete, Path: "/v1/onboarding-cases/{caseId}/attachments/{attachmentId}", Tags: []string{tagCases},
		Summary: "Anhang löschen", DefaultStatus: http.StatusNoContent,
	}, coreapi.Access{Obj: onboarding.ObjCase, Act: authz.Update}, func(ctx context.Context, in *attachmentPathInput) (*struct{}, error) {
		if _, err := a.caseFor(ctx, in.CaseID, authz.Update); err != nil {
			return nil, err
		}
		if err := a.store.DeleteAttachment(ctx, in.CaseID, in.AttachmentID); err != nil {
			return nil, a.problem(ctx, err)
		}
		return nil, nil
	})
}

// readFile takes the part "file" out of a multipart body.
func (a *API) readFile(contentType string, body []byte) (string, []byte, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return "", nil, huma.Error415UnsupportedMediaType("Bitte senden Sie die Datei als multipart/form-data im Feld „file“.")
	}
	r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		part, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			return "", nil, huma.Error422UnprocessableEntity("Das Feld „file“ fehlt.", &huma.ErrorDetail{Location: "body.file", Message: "Pflichtfeld"})
		}
		if err != nil {
			return "", nil, huma.Error400BadRequest("Der multipart-Inhalt ist beschädigt.")
		}
		if part.FormName() != "file" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, a.store.MaxAttachmentBytes()+1))
		if err != nil {
			return "", nil, huma.Error400BadRequest("Der multipart-Inhalt ist beschädigt.")
		}
		return part.FileName(), data, nil
	}
}
