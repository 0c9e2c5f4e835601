#!/usr/bin/env bash
# Certificates for the net integration tests, made fresh into DIR with openssl:
#   ca.pem (+ ca-key.pem)            a private CA
#   server.pem + server-key.pem      signed by the CA for IP 127.0.0.1 and DNS localhost
#   other.pem + other-key.pem        signed by the CA for another host name (other.invalid)
#   self.pem + self-key.pem          self-signed for 127.0.0.1 and localhost
# Usage: make-test-certs.sh DIR
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

dir=${1:?usage: make-test-certs.sh DIR}
cd -- "$dir"

ec_key=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)

openssl req -x509 "${ec_key[@]}" -keyout ca-key.pem -out ca.pem -days 2 \
  -subj "/CN=HostStudio test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

# sign NAME COMMON_NAME SUBJECT_ALT_NAMES
sign() {
  openssl req "${ec_key[@]}" -keyout "$1-key.pem" -out "$1.csr" -subj "/CN=$2" 2>/dev/null
  printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$3" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 \
    -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f -- "$1.csr" "$1.ext"
}
sign server localhost "IP:127.0.0.1,DNS:localhost"
sign other other.invalid "DNS:other.invalid"

openssl req -x509 "${ec_key[@]}" -keyout self-key.pem -out self.pem -days 2 -subj "/CN=localhost" \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" 2>/dev/null
