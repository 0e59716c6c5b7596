package xta2

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/beevik/etree"
)

// Content is one part of a GenericContentContainer: the message or an
// attachment.
type Content struct {
	ContentType string
	Filename    string
	Description string
	Encoding    string
	Data        []byte
}

// Container is the body of sendMessage and getMessage.
type Container struct {
	Message     Content
	Attachments []Content
}

func writeContent(el *etree.Element, c Content) {
	if c.Description != "" {
		el.CreateAttr("contentDescription", c.Description)
	}
	el.CreateAttr("contentType", c.ContentType)
	if c.Encoding != "" {
		el.CreateAttr("encoding", c.Encoding)
	}
	if c.Filename != "" {
		el.CreateAttr("filename", c.Filename)
	}
	if len(c.Data) > 0 {
		el.CreateAttr("size", strconv.Itoa(len(c.Data)))
	}
	el.SetText(base64.StdEncoding.EncodeToString(c.Data))
}

// Write appends xta:GenericContentContainer to parent.
func (c *Container) Write(parent *etree.Element) *etree.Element {
	el := parent.CreateElement("xta:GenericContentContainer")
	cc := el.CreateElement("xta:ContentContainer")
	writeContent(cc.CreateElement("xta:Message"), c.Message)
	for _, a := range c.Attachments {
		writeContent(cc.CreateElement("xta:Attachment"), a)
	}
	return el
}

func readContent(el *etree.Element) (Content, error) {
	data, err := base64.StdEncoding.DecodeString(compactBase64(el.Text()))
	if err != nil {
		return Content{}, fmt.Errorf("%s: base64: %w", el.Tag, err)
	}
	c := Content{ContentType: el.SelectAttrValue("contentType", ""), Filename: el.SelectAttrValue("filename", ""),
		Description: el.SelectAttrValue("contentDescription", ""), Encoding: el.SelectAttrValue("encoding", ""), Data: data}
	if s := el.SelectAttrValue("size", ""); s != "" && s != strconv.Itoa(len(data)) {
		return Content{}, fmt.Errorf("%s: size %s, but %d bytes", el.Tag, s, len(data))
	}
	return c, nil
}

// ReadContainer reads a GenericContentContainer after checking it.
func ReadContainer(el *etree.Element) (*Container, error) {
	if err := Check(el); err != nil {
		return nil, err
	}
	cc := child(el, NSXTA, "ContentContainer")
	if cc == nil {
		return nil, errors.New("GenericContentContainer: encrypted contents are not supported")
	}
	var out Container
	var err error
	if out.Message, err = readContent(child(cc, NSXTA, "Message")); err != nil {
		return nil, err
	}
	for _, a := range children(cc, NSXTA, "Attachment") {
		c, err := readContent(a)
		if err != nil {
			return nil, err
		}
		out.Attachments = append(out.Attachments, c)
	}
	return &out, nil
}

// compactBase64 removes the line breaks some senders put into base64.
func compactBase64(s string) string {
	if strings.ContainsAny(s, " \t\r\n") {
		return strings.Join(strings.Fields(s), "")
	}
	return s
}
