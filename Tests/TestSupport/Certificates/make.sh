#!/usr/bin/env bash
# Makes the test certificates in this folder (committed; run again only to
# change them). Test keys only: they protect nothing. Everything is issued by
# a throwaway "SwiftAsyncore Test CA":
#   server.pem/.key      localhost, 127.0.0.1, ::1; valid until 2126
#   other-host.pem/.key  other.example only (a wrong-host certificate)
#   expired.pem/.key     localhost, valid for one day in 2020
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

key ca.key
openssl req -x509 -new -key ca.key -sha256 -days 36500 -subj "/CN=SwiftAsyncore Test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem

# An `openssl ca` set-up, which alone can back-date a certificate.
mkdir -p "$work/new"
touch "$work/index.txt"
echo 1000 > "$work/serial"
cat > "$work/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
dir = $work
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
default_md = sha256
policy = any
copy_extensions = copy
unique_subject = no
[any]
commonName = supplied
CNF

issue() { # name, subject name, SANs, then dates
    local name=$1 cn=$2 san=$3
    shift 3
    key "$name.key"
    openssl req -new -key "$name.key" -subj "/CN=$cn" -addext "subjectAltName=$san" \
        -addext "extendedKeyUsage=serverAuth" -out "$work/$name.csr"
    openssl ca -batch -config "$work/ca.cnf" -cert ca.pem -keyfile ca.key -notext \
        -in "$work/$name.csr" -out "$name.pem" "$@" 2>/dev/null
}

issue server localhost "DNS:localhost,IP:127.0.0.1,IP:::1" -days 36500
issue other-host other.example "DNS:other.example" -days 36500
issue expired localhost "DNS:localhost,IP:127.0.0.1" -startdate 20200101000000Z -enddate 20200102000000Z
rm -f ca.srl
