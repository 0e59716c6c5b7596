package delivery

import (
	"encoding/binary"
	"errors"
	"fmt"

	"sozialplattform/tenant/envelope"
)

// KeyringSealer seals delivery payloads and mailbox files with the
// platform's data keys – envelope encryption, as the applications' data –
// so that a key rotation covers them too. The sealed form is the
// delivery's storage format:
//
//	version (1) | len(key ID) (1) | key ID | len(wrapped data key) (2, big endian) | wrapped data key | ciphertext
//
// The key ID travels with the payload, so a payload sealed under a key
// that is now only for reading still opens. (Key IDs have at most 32
// bytes, wrapped data keys 60: their lengths fit the format.)
func KeyringSealer(k *envelope.Keyring) Sealer { return keyringSealer{k} }

type keyringSealer struct{ k *envelope.Keyring }

// keyringAAD binds the ciphertexts to their use: a delivery payload does
// not open as application data or the other way round.
var keyringAAD = []byte("delivery-payload")

const keyringVersion = 1

func (s keyringSealer) Seal(p []byte) ([]byte, error) {
	sealed, err := s.k.Seal(p, keyringAAD)
	if err != nil {
		return nil, fmt.Errorf("seal delivery payload: %w", err)
	}
	out := make([]byte, 0, 4+len(sealed.KeyID)+len(sealed.DEK)+len(sealed.Data))
	out = append(out, keyringVersion, byte(len(sealed.KeyID)))
	out = append(out, sealed.KeyID...)
	out = binary.BigEndian.AppendUint16(out, uint16(len(sealed.DEK)))
	out = append(out, sealed.DEK...)
	return append(out, sealed.Data...), nil
}

func (s keyringSealer) Open(b []byte) ([]byte, error) {
	if len(b) < 2 || b[0] != keyringVersion {
		return nil, errors.New("delivery payload: unknown seal format")
	}
	n := int(b[1])
	if len(b) < 2+n+2 {
		return nil, errors.New("delivery payload: truncated")
	}
	id, rest := string(b[2:2+n]), b[2+n:]
	m := int(binary.BigEndian.Uint16(rest))
	if len(rest) < 2+m {
		return nil, errors.New("delivery payload: truncated")
	}
	p, err := s.k.Open(envelope.Sealed{KeyID: id, DEK: rest[2 : 2+m], Data: rest[2+m:]}, keyringAAD)
	if err != nil {
		return nil, fmt.Errorf("open delivery payload: %w", err)
	}
	return p, nil
}
