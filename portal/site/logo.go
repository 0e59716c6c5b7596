package site

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // accepted upload formats
	_ "image/jpeg"
	"image/png"
	"net/http"
)

// Logo limits: the upload's size and the picture's dimensions.
const (
	MaxLogoBytes  = 512 << 10
	MaxLogoPixels = 2000
)

// ErrLogoInvalid is returned for uploads that are not a usable raster image.
var ErrLogoInvalid = errors.New("das Logo muss ein PNG-, JPEG- oder GIF-Bild von höchstens 512 KB und 2000 × 2000 Pixeln sein")

// cleanLogo checks an upload by its content (not its name or declared
// type), decodes it and encodes it again as PNG: whatever else the file
// carried (metadata, a second format hidden in it) does not survive. SVG
// is not accepted, as it can carry script.
func cleanLogo(data []byte) ([]byte, error) {
	if len(data) == 0 || len(data) > MaxLogoBytes {
		return nil, ErrLogoInvalid
	}
	switch http.DetectContentType(data) {
	case "image/png", "image/jpeg", "image/gif":
	default:
		return nil, ErrLogoInvalid
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxLogoPixels || cfg.Height > MaxLogoPixels {
		return nil, ErrLogoInvalid
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, ErrLogoInvalid
	}
	var out bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&out, img); err != nil {
		return nil, fmt.Errorf("encode logo: %w", err)
	}
	return out.Bytes(), nil
}
