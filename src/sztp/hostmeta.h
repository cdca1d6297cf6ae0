/*
 * hostmeta.h: find the RESTCONF root in a /.well-known/host-meta reply
 * (RFC 8040 section 3.1; an XRD document, RFC 6415):
 *
 *   <XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>
 *     <Link rel='restconf' href='/restconf'/>
 *   </XRD>
 *
 * This is not an XML parser: it scans for "<Link" (or "<prefix:Link")
 * elements, reads their attributes (single or double quotes, whitespace
 * around '='), and takes the href of the first one whose rel is "restconf".
 * Comments, CDATA, processing instructions and entity references inside the
 * href are not interpreted: an href containing '&' or '<' is refused. The
 * href must be a path ("/restconf"), not a URL: the root is always on the
 * server we asked. At most HOSTMETA_MAX bytes are examined.
 */
#ifndef SZTP_HOSTMETA_H
#define SZTP_HOSTMETA_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define HOSTMETA_MAX (16 * 1024)

/*
 * Scan xml[0..len) and copy the RESTCONF root (trailing '/' removed) into
 * root[cap]. Returns 0, or -1 with `e` set:
 *   host-meta: no <Link rel="restconf"> element
 *   host-meta: restconf href "https://x/y" is not a path
 */
int hostmeta_restconf_root(const uint8_t *xml, size_t len, char *root, size_t cap,
			   struct err *e);

#endif
