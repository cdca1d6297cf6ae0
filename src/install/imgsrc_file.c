/* imgsrc_file.c: boot image bytes from a local file (imgsrc.h). */
#include "install/imgsrc.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint8_t chunk[IMGSRC_READ_CHUNK];

static int file_fetch(void *ctx, const char *uri, uint64_t from, image_sink_fn sink,
		      void *sink_ctx, int64_t *total, struct err *e)
{
	const char *path = uri;
	struct stat st;
	(void)ctx;
	if (strncmp(uri, "file://", 7) == 0)
		path = uri + 7;
	if (path[0] != '/')
		return err_set(e, "%s: not an absolute file path", uri), IMAGE_SRC_FATAL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return err_set(e, "%s: %s", path, strerror(errno)), IMAGE_SRC_FATAL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, "%s: not a regular file", path), IMAGE_SRC_FATAL;
	}
	*total = (int64_t)st.st_size;
	if (from > (uint64_t)st.st_size || lseek(fd, (off_t)from, SEEK_SET) < 0) {
		close(fd);
		return err_set(e, "%s: cannot seek to %llu", path, (unsigned long long)from),
		       IMAGE_SRC_FATAL;
	}
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int saved = errno;
			close(fd);
			return err_set(e, "%s: read: %s", path, strerror(saved)), IMAGE_SRC_RETRY;
		}
		if (r == 0)
			break;
		if (sink(sink_ctx, chunk, (size_t)r, e) < 0) {
			close(fd);
			return IMAGE_SRC_FATAL;
		}
	}
	close(fd);
	return IMAGE_SRC_OK;
}

const struct image_source imgsrc_file = { NULL, file_fetch };
