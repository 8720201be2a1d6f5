/*
 * Addresses as integers: the JavaScript side compares a datagram's source with a leg's remote
 * as numbers and formats a string only for a source it has not seen (a latch candidate), so
 * the packet path allocates no string per packet. IPv4 is one word (host order), IPv6 four.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include "engine.h"

int io_address_to_words(const struct sockaddr_storage *ss, int32_t *words, int *port, int *family) {
  if (ss->ss_family == AF_INET) {
    const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
    words[0] = (int32_t)ntohl(a->sin_addr.s_addr);
    words[1] = words[2] = words[3] = 0;
    *port = ntohs(a->sin_port);
    *family = 4;
    return 0;
  }
  if (ss->ss_family == AF_INET6) {
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
    uint32_t w[4];
    memcpy(w, &a->sin6_addr, 16);
    for (int i = 0; i < 4; i++) words[i] = (int32_t)ntohl(w[i]);
    *port = ntohs(a->sin6_port);
    *family = 6;
    return 0;
  }
  words[0] = words[1] = words[2] = words[3] = 0;
  *port = 0;
  *family = 0;
  return -1;
}

int io_words_to_address(int family, const int32_t *words, int port, struct sockaddr_storage *ss, socklen_t *len) {
  memset(ss, 0, sizeof(*ss));
  if (port < 0 || port > 65535) return -1;
  if (family == 4) {
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    a->sin_addr.s_addr = htonl((uint32_t)words[0]);
    *len = sizeof(*a);
    return 0;
  }
  if (family == 6) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t)port);
    uint32_t w[4];
    for (int i = 0; i < 4; i++) w[i] = htonl((uint32_t)words[i]);
    memcpy(&a->sin6_addr, w, 16);
    *len = sizeof(*a);
    return 0;
  }
  return -1;
}

/* Returns 4 or 6 with the words filled, or 0 for text that is not an IP address. */
int io_parse_address(const char *text, int32_t *words) {
  struct in_addr v4;
  struct in6_addr v6;
  words[0] = words[1] = words[2] = words[3] = 0;
  if (inet_pton(AF_INET, text, &v4) == 1) {
    words[0] = (int32_t)ntohl(v4.s_addr);
    return 4;
  }
  if (inet_pton(AF_INET6, text, &v6) == 1) {
    uint32_t w[4];
    memcpy(w, &v6, 16);
    for (int i = 0; i < 4; i++) words[i] = (int32_t)ntohl(w[i]);
    return 6;
  }
  return 0;
}
