package inspect

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"crypto/rc4"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
)

// Encryption with the standard security handler (ISO 32000-2, 7.6.4).
// Many documents citizens download – bank statements, notices – are
// encrypted with an empty user password: anyone can open them, only
// printing or copying may be restricted. Those are fine. A document that
// asks for a password cannot be opened by the clerk and is refused. The
// structure of an encrypted file is readable except for streams, so the
// decrypter is needed only for object streams, which hold the catalog and
// the page tree in newer files.

// ErrPassword: the document cannot be opened without a password, or is
// protected by a method other than the standard password handler.
var ErrPassword = errors.New("pdf: protected by a password")

type decrypter struct {
	key      []byte
	aes      bool // AES-CBC (AESV2, AESV3), else RC4
	identity bool // streams are not encrypted (/StmF /Identity)
	v5       bool // AES-256: the file key is used as it is
}

// padding is the password padding string of algorithm 2.
var padding = []byte{
	0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
	0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
}

// newDecrypter opens the encryption dictionary with the empty user
// password; id is the first element of the trailer's /ID.
func (f *file) newDecrypter(enc dict, id []byte) (*decrypter, error) {
	if f.resolve(enc[name("Filter")]) != name("Standard") {
		return nil, fmt.Errorf("%w: security handler %v", ErrPassword, enc[name("Filter")])
	}
	v, _ := f.resolve(enc[name("V")]).(int64)
	r, _ := f.resolve(enc[name("R")]).(int64)
	o, _ := f.resolve(enc[name("O")]).([]byte)
	u, _ := f.resolve(enc[name("U")]).([]byte)
	p, _ := f.resolve(enc[name("P")]).(int64)
	d := &decrypter{}
	switch {
	case v == 5 && (r == 5 || r == 6):
		ue, _ := f.resolve(enc[name("UE")]).([]byte)
		if len(u) < 48 || len(ue) < 32 {
			return nil, fmt.Errorf("%w: damaged encryption dictionary", ErrPassword)
		}
		hash := func(salt []byte) []byte {
			if r == 5 {
				h := sha256.Sum256(salt)
				return h[:]
			}
			return hash2B(nil, salt, nil)
		}
		if !bytes.Equal(hash(u[32:40]), u[:32]) {
			return nil, ErrPassword
		}
		block, err := aes.NewCipher(hash(u[40:48]))
		if err != nil {
			return nil, err
		}
		d.key = make([]byte, 32)
		cipher.NewCBCDecrypter(block, make([]byte, 16)).CryptBlocks(d.key, ue[:32])
		d.aes, d.v5 = true, true
	case v >= 1 && v <= 4 && r >= 2 && r <= 4:
		n := 5
		if r >= 3 {
			bits, _ := f.resolve(enc[name("Length")]).(int64)
			if bits == 0 {
				bits = 40
			}
			if v == 4 {
				bits = 128
			}
			if bits < 40 || bits > 128 || bits%8 != 0 {
				return nil, fmt.Errorf("%w: key length %d", ErrPassword, bits)
			}
			n = int(bits / 8)
		}
		if len(o) < 32 || len(u) < 16 {
			return nil, fmt.Errorf("%w: damaged encryption dictionary", ErrPassword)
		}
		h := md5.New()
		h.Write(padding)
		h.Write(o[:32])
		var pb [4]byte
		binary.LittleEndian.PutUint32(pb[:], uint32(int32(p)))
		h.Write(pb[:])
		h.Write(id)
		if r >= 4 && f.resolve(enc[name("EncryptMetadata")]) == false {
			h.Write([]byte{0xFF, 0xFF, 0xFF, 0xFF})
		}
		key := h.Sum(nil)
		if r >= 3 {
			for range 50 {
				s := md5.Sum(key[:n])
				key = s[:]
			}
		}
		d.key = key[:n]
		if !d.userPasswordEmpty(r, u, id) {
			return nil, ErrPassword
		}
		if v == 4 {
			cf, _ := f.resolve(enc[name("CF")]).(dict)
			stmf, _ := f.resolve(enc[name("StmF")]).(name)
			if stmf == "" || stmf == "Identity" {
				d.identity = true
				break
			}
			filter, _ := f.resolve(cf[stmf]).(dict)
			switch f.resolve(filter[name("CFM")]) {
			case name("AESV2"):
				d.aes = true
			case name("V2"):
			case name("None"):
				d.identity = true
			default:
				return nil, fmt.Errorf("%w: crypt filter %v", ErrPassword, filter[name("CFM")])
			}
		}
	default:
		return nil, fmt.Errorf("%w: encryption V %d R %d", ErrPassword, v, r)
	}
	return d, nil
}

// userPasswordEmpty checks the empty password against /U (algorithms 4
// and 5).
func (d *decrypter) userPasswordEmpty(r int64, u, id []byte) bool {
	c, err := rc4.NewCipher(d.key)
	if err != nil {
		return false
	}
	if r == 2 {
		out := make([]byte, 32)
		c.XORKeyStream(out, padding)
		return len(u) >= 32 && bytes.Equal(out, u[:32])
	}
	h := md5.New()
	h.Write(padding)
	h.Write(id)
	x := h.Sum(nil)
	c.XORKeyStream(x, x)
	k := make([]byte, len(d.key))
	for i := byte(1); i <= 19; i++ {
		for j := range k {
			k[j] = d.key[j] ^ i
		}
		c, _ := rc4.NewCipher(k)
		c.XORKeyStream(x, x)
	}
	return bytes.Equal(x, u[:16])
}

// stream decrypts the data of stream num gen.
func (d *decrypter) stream(num, gen int, data []byte) ([]byte, error) {
	if d.identity {
		return data, nil
	}
	key := d.key
	if !d.v5 {
		h := md5.New()
		h.Write(d.key)
		h.Write([]byte{byte(num), byte(num >> 8), byte(num >> 16), byte(gen), byte(gen >> 8)})
		if d.aes {
			h.Write([]byte("sAlT"))
		}
		key = h.Sum(nil)[:min(len(d.key)+5, 16)]
	}
	if !d.aes {
		c, err := rc4.NewCipher(key)
		if err != nil {
			return nil, err
		}
		out := make([]byte, len(data))
		c.XORKeyStream(out, data)
		return out, nil
	}
	if len(data) < 32 || len(data)%16 != 0 {
		return nil, errors.New("AES stream of a wrong length")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(data)-16)
	cipher.NewCBCDecrypter(block, data[:16]).CryptBlocks(out, data[16:])
	pad := int(out[len(out)-1])
	if pad < 1 || pad > 16 {
		return nil, errors.New("AES stream with wrong padding")
	}
	return out[:len(out)-pad], nil
}

// hash2B is algorithm 2.B of ISO 32000-2 (revision 6): the hash of a
// password with a salt, hardened by at least 64 rounds of AES and SHA-2.
func hash2B(password, salt, udata []byte) []byte {
	h := sha256.New()
	h.Write(password)
	h.Write(salt)
	h.Write(udata)
	k := h.Sum(nil)
	var k1 []byte
	for round := 0; ; round++ {
		k1 = k1[:0]
		for range 64 {
			k1 = append(k1, password...)
			k1 = append(k1, k...)
			k1 = append(k1, udata...)
		}
		block, _ := aes.NewCipher(k[:16]) // 16 bytes: always valid
		e := make([]byte, len(k1))
		cipher.NewCBCEncrypter(block, k[16:32]).CryptBlocks(e, k1)
		sum := 0
		for _, b := range e[:16] {
			sum += int(b)
		}
		var next hash.Hash
		switch sum % 3 {
		case 0:
			next = sha256.New()
		case 1:
			next = sha512.New384()
		default:
			next = sha512.New()
		}
		next.Write(e)
		k = next.Sum(nil)
		if round >= 63 && int(e[len(e)-1]) <= round+1-32 {
			break
		}
	}
	return k[:32]
}
