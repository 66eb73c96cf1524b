#!/bin/sh
# make-local-ca.sh DIR — a throwaway local CA and the certificates jwtgate's TLS listeners, its
# tests and bench/run need, made with the `openssl` command-line tool only (no config file outside
# DIR; runs on a fresh Debian with nothing but `openssl` installed; POSIX sh).
#
# NOT FOR PRODUCTION: every key is written unencrypted, the CA key sits next to the certificates.
#
# Files written into DIR (fixed names; *.key are private keys, mode 0600; everything else 0644):
#
#   ca.pem, ca.key                  the root CA "jwtgate-test CA" (ECDSA P-256, 10 years, CA:TRUE)
#   server.pem, server.key          ECDSA P-256 server certificate, signed by ca.pem
#   rsa.pem, rsa.key                RSA-2048 server certificate, signed by ca.pem
#                                   (both: CN=localhost, SAN DNS:localhost, IP:127.0.0.1, IP:::1,
#                                    EKU serverAuth, KU digitalSignature (+ keyEncipherment for RSA))
#   other.pem, other.key            ECDSA P-256 server certificate for DNS:other.test only (SNI tests)
#   intermediate.pem, intermediate.key
#                                   an intermediate CA (ECDSA P-256, CA:TRUE, pathlen:0) signed by ca.pem
#   chain-leaf.pem, chain.key       ECDSA P-256 server certificate (same names as server.pem) signed by the
#                                   intermediate
#   chain.pem                       chain-leaf.pem followed by intermediate.pem: what a listener's
#                                   cert_file holds when its leaf is not signed by the root directly
#   client.pem, client.key          client certificate CN=billing-service,O=jwtgate-test, EKU clientAuth,
#                                   signed by ca.pem (mutual TLS: client_ca_file: ca.pem)
#   other-ca.pem, other-ca.key      a second, unrelated CA "jwtgate-test other CA"
#   other-client.pem, other-client.key
#                                   a client certificate (same subject, clientAuth) from other-ca.pem:
#                                   must be refused by a listener that trusts ca.pem only
#   openssl-ext.cnf                 the extension sections used (kept for reference)
#
# Idempotent: files that already exist are kept, so running it again changes nothing; a missing
# file is made anew (a missing CA makes everything it signs anew). `rm -r DIR` starts over.
#
# Usage:   scripts/make-local-ca.sh config/tls
# Then:    curl --cacert config/tls/ca.pem https://localhost:8443/healthz
set -eu

if [ $# -ne 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
command -v openssl >/dev/null 2>&1 || { echo "$0: openssl is not installed (apt-get install openssl)" >&2; exit 2; }

DIR=$1
mkdir -p "$DIR"
umask 077
DAYS_CA=3650
DAYS=825
MADE=""
KEPT=""

EXT="$DIR/openssl-ext.cnf"
# Written every run (it is not a secret and holds no state): only the sections below are used,
# so OpenSSL's system configuration is never needed for the extensions.
cat > "$EXT" <<'EOF'
# make-local-ca.sh: X.509v3 extension sections (openssl x509 -extfile ... -extensions NAME)
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[intermediate_ext]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[server_ec_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[server_rsa_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[other_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:other.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[client_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
chmod 0644 "$EXT"

# The null config keeps `openssl req` away from /etc/ssl/openssl.cnf (which may be absent).
NULLCNF="$DIR/.openssl-empty.cnf"
: > "$NULLCNF"
export OPENSSL_CONF="$NULLCNF"

newkey() { # newkey FILE ec|rsa
    if [ "$2" = ec ]; then
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve -out "$1" 2>/dev/null
    else
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null
    fi
    chmod 0600 "$1"
}

serial() { # a random positive 63-bit serial, as hex
    echo "0x$(openssl rand -hex 8 | sed 's/^./4/')"
}

# selfsigned NAME SUBJECT    -> NAME.pem / NAME.key (a root CA)
selfsigned() {
    if [ -s "$DIR/$1.pem" ] && [ -s "$DIR/$1.key" ]; then KEPT="$KEPT $1.pem"; return 1; fi
    newkey "$DIR/$1.key" ec
    openssl req -new -key "$DIR/$1.key" -subj "$2" -config "$NULLCNF" -out "$DIR/$1.csr"
    openssl x509 -req -in "$DIR/$1.csr" -signkey "$DIR/$1.key" -sha256 -days "$DAYS_CA" \
        -set_serial "$(serial)" -extfile "$EXT" -extensions ca_ext -out "$DIR/$1.pem" 2>/dev/null
    rm -f "$DIR/$1.csr"
    chmod 0644 "$DIR/$1.pem"
    MADE="$MADE $1.pem"
    return 0
}

# issue CERT KEY KIND SUBJECT EXT ISSUER FORCE -> CERT / KEY signed by ISSUER.pem/ISSUER.key
# (made when missing, or when FORCE=1 because its issuer was just made anew)
issue() {
    cert=$1 key=$2 kind=$3 subj=$4 ext=$5 issuer=$6 force=$7
    if [ "$force" = 0 ] && [ -s "$DIR/$cert" ] && [ -s "$DIR/$key" ]; then KEPT="$KEPT $cert"; return 1; fi
    if [ "$force" = 1 ] || [ ! -s "$DIR/$key" ]; then newkey "$DIR/$key" "$kind"; fi
    openssl req -new -key "$DIR/$key" -subj "$subj" -config "$NULLCNF" -out "$DIR/$cert.csr"
    openssl x509 -req -in "$DIR/$cert.csr" -CA "$DIR/$issuer.pem" -CAkey "$DIR/$issuer.key" -sha256 \
        -days "$DAYS" -set_serial "$(serial)" -extfile "$EXT" -extensions "$ext" -out "$DIR/$cert" 2>/dev/null
    rm -f "$DIR/$cert.csr"
    chmod 0644 "$DIR/$cert"
    MADE="$MADE $cert"
    return 0
}

NEWCA=0;    selfsigned ca "/CN=jwtgate-test CA/O=jwtgate-test" && NEWCA=1
NEWOTHER=0; selfsigned other-ca "/CN=jwtgate-test other CA/O=jwtgate-test-other" && NEWOTHER=1

issue server.pem server.key ec  "/CN=localhost/O=jwtgate-test" server_ec_ext  ca $NEWCA || true
issue rsa.pem    rsa.key    rsa "/CN=localhost/O=jwtgate-test" server_rsa_ext ca $NEWCA || true
issue other.pem  other.key  ec  "/CN=other.test/O=jwtgate-test" other_ext     ca $NEWCA || true
issue client.pem client.key ec  "/CN=billing-service/O=jwtgate-test" client_ext ca $NEWCA || true
issue other-client.pem other-client.key ec "/CN=billing-service/O=jwtgate-test" client_ext other-ca $NEWOTHER || true

NEWINT=0
issue intermediate.pem intermediate.key ec "/CN=jwtgate-test intermediate CA/O=jwtgate-test" intermediate_ext ca $NEWCA && NEWINT=1
issue chain-leaf.pem chain.key ec "/CN=localhost/O=jwtgate-test" server_ec_ext intermediate $NEWINT && NEWINT=1
if [ "$NEWINT" = 1 ] || [ ! -s "$DIR/chain.pem" ]; then
    cat "$DIR/chain-leaf.pem" "$DIR/intermediate.pem" > "$DIR/chain.pem"
    chmod 0644 "$DIR/chain.pem"
    MADE="$MADE chain.pem"
fi
rm -f "$NULLCNF"
chmod 0600 "$DIR"/*.key

[ -n "$MADE" ] && echo "make-local-ca: made in $DIR:$MADE"
[ -n "$KEPT" ] && echo "make-local-ca: kept (already there):$KEPT"
echo "make-local-ca: CA certificate $DIR/ca.pem; ECDSA server.pem/server.key, RSA rsa.pem/rsa.key, SNI other.pem (other.test),"
echo "               chain.pem/chain.key (leaf + intermediate), client.pem/client.key, other-client.pem (from other-ca.pem)"
echo "try:  curl --cacert $DIR/ca.pem https://localhost:8443/healthz"
