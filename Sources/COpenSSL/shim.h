// Debian's OpenSSL (libssl-dev) for the TLS of TCPConnection (HTTPS, PostgreSQL), and small C helpers for what Swift
// cannot import: OpenSSL's function-like macros, and a socket BIO that writes with MSG_NOSIGNAL.
#ifndef PLUMB_COPENSSL_SHIM_H
#define PLUMB_COPENSSL_SHIM_H

#include <errno.h>
#include <stdint.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

static inline long plumb_SSL_CTX_set_min_proto_version(SSL_CTX *context, int version) {
  return SSL_CTX_set_min_proto_version(context, version);
}

static inline long plumb_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
  return SSL_set_tlsext_host_name(ssl, name);
}

// OpenSSL's socket BIO writes with write(2): a server that has closed the connection would raise
// SIGPIPE and end the process. As libpq does, the connection's BIO is Plumb's own: send with
// MSG_NOSIGNAL and recv, retried after a signal; a timeout (EAGAIN) or an error is left to the
// caller (errno), as on the plaintext path. The descriptor is the BIO's data and stays open.
static inline int plumb_bio_descriptor(BIO *bio) { return (int)(intptr_t)BIO_get_data(bio); }

static inline int plumb_bio_write(BIO *bio, const char *data, int length) {
  ssize_t written;
  do {
    written = send(plumb_bio_descriptor(bio), data, (size_t)length, MSG_NOSIGNAL);
  } while (written < 0 && errno == EINTR);
  return (int)written;
}

static inline int plumb_bio_read(BIO *bio, char *data, int length) {
  ssize_t received;
  do {
    received = recv(plumb_bio_descriptor(bio), data, (size_t)length, 0);
  } while (received < 0 && errno == EINTR);
  return (int)received;
}

static inline long plumb_bio_ctrl(BIO *bio, int command, long number, void *pointer) {
  (void)bio;
  (void)number;
  (void)pointer;
  return command == BIO_CTRL_FLUSH ? 1 : 0;
}

// A method for plumb_bio_new, freed with BIO_meth_free after every BIO made with it.
static inline BIO_METHOD *plumb_bio_method_new(void) {
  BIO_METHOD *method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "plumb socket");
  if (method != NULL
      && !(BIO_meth_set_write(method, plumb_bio_write) && BIO_meth_set_read(method, plumb_bio_read)
           && BIO_meth_set_ctrl(method, plumb_bio_ctrl))) {
    BIO_meth_free(method);
    return NULL;
  }
  return method;
}

// A BIO reading and writing the connected socket `descriptor` (which it does not close).
static inline BIO *plumb_bio_new(BIO_METHOD *method, int descriptor) {
  BIO *bio = BIO_new(method);
  if (bio != NULL) {
    BIO_set_data(bio, (void *)(intptr_t)descriptor);
    BIO_set_init(bio, 1);
  }
  return bio;
}

#endif
