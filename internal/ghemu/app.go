package ghemu

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// verifyJWT checks an RS256 JWT against key and returns its issuer.
func verifyJWT(token string, key *rsa.PublicKey, now time.Time) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", fmt.Errorf("not a JWT")
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return "", fmt.Errorf("header: %w", err)
	}
	var hdr struct{ Alg string }
	if err := json.Unmarshal(hb, &hdr); err != nil || hdr.Alg != "RS256" {
		return "", fmt.Errorf("alg %q is not RS256", hdr.Alg)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return "", fmt.Errorf("signature: %w", err)
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig); err != nil {
		return "", fmt.Errorf("signature: %w", err)
	}
	cb, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", fmt.Errorf("claims: %w", err)
	}
	var claims struct {
		Iss any   `json:"iss"`
		Exp int64 `json:"exp"`
		Iat int64 `json:"iat"`
	}
	if err := json.Unmarshal(cb, &claims); err != nil {
		return "", fmt.Errorf("claims: %w", err)
	}
	if claims.Exp < now.Unix() || claims.Exp-claims.Iat > 600 {
		return "", fmt.Errorf("expired or too long-lived")
	}
	return fmt.Sprint(claims.Iss), nil
}

// accessToken implements POST /app/installations/{id}/access_tokens.
func (e *Emulator) accessToken(r *http.Request, id string) (int, any, error) {
	jwt, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return 0, nil, errMsg(401, "A JSON web token could not be decoded", docsRest)
	}
	inst, _ := strconv.ParseInt(id, 10, 64)
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, a := range e.apps {
		iss, err := verifyJWT(jwt, a.key, time.Now())
		if err != nil || iss != strconv.FormatInt(a.id, 10) {
			continue
		}
		if a.installation != inst {
			return 0, nil, notFound(docsRest)
		}
		e.seq++
		tok := fmt.Sprintf("ghs_emulated%06d", e.seq)
		e.tokens[tok] = true
		return 201, map[string]any{"token": tok, "expires_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
			"permissions": map[string]any{"contents": "write", "pull_requests": "write"}}, nil
	}
	return 0, nil, errMsg(401, "A JSON web token could not be decoded", docsRest)
}
