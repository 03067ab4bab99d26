package cluster

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// The users of the static token file.
const (
	// AdminUser is in group system:masters: it may do anything.
	AdminUser = "admin"
	// LimitedUser has no groups beyond system:authenticated, so it may do only what a test grants
	// it through RBAC.
	LimitedUser = "limited"
	// controllerManagerUser is the identity the bootstrap RBAC policy grants the controller manager.
	controllerManagerUser = "system:kube-controller-manager"
)

// File names inside the cluster directory.
const (
	tokensFile            = "tokens.csv"
	saKeyFile             = "sa.key"
	saPubFile             = "sa.pub"
	certDirName           = "certs"
	servingCertFile       = "apiserver.crt" // written by kube-apiserver into --cert-dir
	adminKubeconfigFile   = "admin.kubeconfig"
	limitedKubeconfigFile = "limited.kubeconfig"
	kcmKubeconfigFile     = "controller-manager.kubeconfig"
)

// tokens are the bearer tokens of the static token file, fresh for every cluster.
type tokens struct {
	admin, limited, controllerManager string
}

func newTokens() (tokens, error) {
	var t tokens
	for _, p := range []*string{&t.admin, &t.limited, &t.controllerManager} {
		b := make([]byte, 24)
		if _, err := rand.Read(b); err != nil {
			return tokens{}, fmt.Errorf("generating a token: %w", err)
		}
		*p = hex.EncodeToString(b)
	}
	return t, nil
}

// writeTokenFile writes the --token-auth-file: token,user,uid[,"groups"] per line.
func writeTokenFile(dir string, t tokens) error {
	lines := []string{
		t.admin + "," + AdminUser + ",uid-admin,\"system:masters\"",
		t.limited + "," + LimitedUser + ",uid-limited",
		t.controllerManager + "," + controllerManagerUser + ",uid-kube-controller-manager",
	}
	data := []byte(strings.Join(lines, "\n") + "\n")
	if err := os.WriteFile(filepath.Join(dir, tokensFile), data, 0o600); err != nil {
		return fmt.Errorf("writing the token file: %w", err)
	}
	return nil
}

// writeServiceAccountKeys writes the RSA key pair kube-apiserver signs and verifies service
// account tokens with.
func writeServiceAccountKeys(dir string) error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return fmt.Errorf("generating the service account key: %w", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return fmt.Errorf("encoding the service account public key: %w", err)
	}
	files := []struct {
		name, typ string
		der       []byte
		mode      os.FileMode
	}{
		{saKeyFile, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key), 0o600},
		{saPubFile, "PUBLIC KEY", pub, 0o644},
	}
	for _, f := range files {
		data := pem.EncodeToMemory(&pem.Block{Type: f.typ, Bytes: f.der})
		if err := os.WriteFile(filepath.Join(dir, f.name), data, f.mode); err != nil {
			return fmt.Errorf("writing %s: %w", f.name, err)
		}
	}
	return nil
}

// readServingCA reads the self-signed serving certificate bundle kube-apiserver generated in its
// cert directory; clients trust it as their CA.
func readServingCA(dir string) ([]byte, error) {
	data, err := os.ReadFile(filepath.Join(dir, certDirName, servingCertFile))
	if err != nil {
		return nil, fmt.Errorf("reading the apiserver serving certificate: %w", err)
	}
	rest, n := data, 0
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return nil, fmt.Errorf("parsing the apiserver serving certificate: %w", err)
		}
		n++
	}
	if n == 0 {
		return nil, fmt.Errorf("no certificate in %s", servingCertFile)
	}
	return data, nil
}

// writeKubeconfig writes a kubeconfig for one token user of the cluster.
func writeKubeconfig(path, server string, ca []byte, user, token string) error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["strata-test"] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: ca}
	cfg.AuthInfos[user] = &clientcmdapi.AuthInfo{Token: token}
	cfg.Contexts[user] = &clientcmdapi.Context{Cluster: "strata-test", AuthInfo: user, Namespace: "default"}
	cfg.CurrentContext = user
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		return fmt.Errorf("writing %s: %w", filepath.Base(path), err)
	}
	return os.Chmod(path, 0o600)
}
