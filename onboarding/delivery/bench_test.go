package delivery_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"sozialplattform/onboarding/delivery"
	"sozialplattform/onboarding/delivery/deliverytest"
	"sozialplattform/onboarding/delivery/fitconnect"
	"sozialplattform/onboarding/delivery/fitconnect/fitserver"
	"sozialplattform/onboarding/delivery/xta2"
)

// benchDocument is an application of realistic size: 20 KB of XML and a
// 100 KB PDF.
func benchDocument(i int) (xml, pdf []byte) {
	xml = append([]byte(`<?xml version="1.0" encoding="UTF-8"?><xsb:vorgang.transportieren.1000001 xmlns:xsb="https://portalverbund.d-nrw.de/efa/XSozial-basis/Version_2_4_0">`),
		bytes.Repeat([]byte("<xsb:person>Beispiel</xsb:person>"), 600)...)
	xml = append(xml, fmt.Sprintf("<ref>%d</ref></xsb:vorgang.transportieren.1000001>", i)...)
	pdf = append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{0x42}, 100<<10)...)
	return xml, pdf
}

// cpuTime is the process's user and system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// perSecond reports wall-clock throughput and the CPU time one delivery
// costs (client and local server together); 2 s divided by the latter is
// what two dedicated cores manage, whatever else runs on the machine.
func perSecond(b *testing.B, start time.Time, cpu0 time.Duration) {
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "deliveries/s")
	cpu := float64(cpuTime()-cpu0) / float64(b.N)
	b.ReportMetric(cpu/1e6, "cpu-ms/delivery")
	b.ReportMetric(2e9/cpu, "deliveries/s@2cores")
}

// BenchmarkFITConnectDelivery hands applications to the local FIT-Connect
// server: destination lookup and key validation (x5c), JWE
// (RSA-OAEP-256 + A256GCM) of metadata, data and PDF, metadata schema
// check, announce, upload, submit – in parallel, as the worker does.
func BenchmarkFITConnectDelivery(b *testing.B) {
	f := deliverytest.NewFIT(b, deliverytest.FITOptions{})
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	sender, err := fitconnect.NewSender(f.SenderConfig(&http.Client{Transport: tr, Timeout: 30 * time.Second}))
	if err != nil {
		b.Fatal(err)
	}
	var n atomic.Int64
	ctx := context.Background()
	b.ReportAllocs()
	b.SetParallelism(4)
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(n.Add(1))
			xml, pdf := benchDocument(i)
			in := &fitconnect.Submission{DestinationID: deliverytest.DestinationID, Service: fitconnect.ServiceType{Identifier: deliverytest.ServiceID},
				Region: "DE15085", DataSchema: fitconnect.SubmissionSchema{MimeType: "application/xml", SchemaURI: fitserver.XSozialSchemaURI},
				Data: xml, Attachments: []fitconnect.Attachment{{Purpose: fitconnect.PurposeForm, Filename: "Antrag.pdf", MimeType: "application/pdf", Data: pdf}},
				SenderReference: fmt.Sprintf("B-%d", i)}
			var st fitconnect.State
			if err := sender.Send(ctx, in, &st, fitconnect.Hooks{Checkpoint: func(context.Context, fitconnect.State) error { return nil }}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	perSecond(b, start, cpu0)
}

// BenchmarkXTA2Delivery hands applications to the local XTA2 server over
// TLS with client certificates: createMessageId, then sendMessage with the
// metadata header and the XML and PDF inline (schema checks on both
// sides).
func BenchmarkXTA2Delivery(b *testing.B) {
	x := newXTA(b, nil)
	c := xta2.NewClient(xta2.Config{Endpoint: x.endpoint, Identity: xta2.Party{Identifier: platformKennung},
		HTTPClient: xta2.TLSClient(x.platform, x.ca.Pool(), 30*time.Second)})
	var n atomic.Int64
	ctx := context.Background()
	b.ReportAllocs()
	b.SetParallelism(4)
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(n.Add(1))
			xml, pdf := benchDocument(i)
			id, err := c.CreateMessageID(ctx)
			if err != nil {
				b.Error(err)
				return
			}
			meta := &xta2.MessageMetaData{Origin: time.Now(), InitialSend: time.Now(), Author: xta2.Party{Identifier: platformKennung},
				Reader: xta2.Party{Identifier: harzKennung}, MessageID: id, Service: delivery.XSozialSchemaURI, BusinessScenarioText: "XSozial-basis",
				MessageType:   xta2.KeyCode{Code: "1000001", ListURI: "urn:xoev-de:xsozial-basis:codeliste:nachrichtentyp", ListVersionID: "2.4.0"},
				PayloadSchema: delivery.XSozialSchemaURI}
			content := &xta2.Container{Message: xta2.Content{ContentType: "application/xml", Data: xml},
				Attachments: []xta2.Content{{ContentType: "application/pdf", Filename: "Antrag.pdf", Data: pdf}}}
			if err := c.SendMessage(ctx, meta, content); err != nil {
				b.Error(err)
				return
			}
		}
	})
	perSecond(b, start, cpu0)
}

// BenchmarkOutboxFITConnect is the whole way through the outbox on the
// test database: enqueue in a transaction, claim, send to the local
// FIT-Connect, record attempt and status.
func BenchmarkOutboxFITConnect(b *testing.B) {
	e := newEnv(b, envOptions{tune: func(o *delivery.Options) { o.Concurrency = 8; o.Batch = 200 }})
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	for done := 0; done < b.N; {
		k := min(200, b.N-done)
		batch := make([]delivery.Document, k)
		for i := range batch {
			d := doc(harzID, streckeFIT)
			d.XML, d.PDF = benchDocument(done + i)
			d.Attachments = nil
			batch[i] = d
		}
		e.enqueue(batch...)
		for sent := 0; sent < k; {
			n, err := e.svc.RunDue(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			sent += n
		}
		done += k
	}
	perSecond(b, start, cpu0)
}
