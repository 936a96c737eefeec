/*
 * driver.c — runs a fuzz target over its corpus without libFuzzer, so the
 * corpus (and every crash once found and added to it) is replayed by
 * `make check` on any compiler.  Arguments are files or directories; with
 * none, $TOP_SRCDIR/tests/fuzz/corpus/NAME for a program named fuzz_NAME.
 */
#include <dirent.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		perror(path);
		return (1);
	}
	rewind(f);
	if ((buf = malloc((size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		return (1);
	}
	fclose(f);
	/* An exact-size copy, so an overread is a real overread. */
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return (0);
}

static int
run(const char *path, int *count)
{
	struct stat sb;
	struct dirent *de;
	char sub[4096];
	DIR *d;
	int bad = 0;

	if (stat(path, &sb) != 0) {
		perror(path);
		return (1);
	}
	if (!S_ISDIR(sb.st_mode)) {
		(*count)++;
		return (run_file(path));
	}
	if ((d = opendir(path)) == NULL) {
		perror(path);
		return (1);
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		bad |= run(sub, count);
	}
	closedir(d);
	return (bad);
}

int
main(int argc, char **argv)
{
	char dflt[4096], *name = basename(argv[0]);
	const char *top = getenv("TOP_SRCDIR");
	int bad = 0, count = 0;

	if (strncmp(name, "fuzz_", 5) == 0)
		name += 5;
	if (argc < 2) {
		snprintf(dflt, sizeof(dflt), "%s/tests/fuzz/corpus/%s",
		    top ? top : ".", name);
		bad = run(dflt, &count);
	}
	for (int i = 1; i < argc; i++)
		bad |= run(argv[i], &count);
	printf("%s: %d inputs\n", name, count);
	return (bad || count == 0);
}
