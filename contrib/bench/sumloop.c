/* sumloop.c — workload 7: the physical limit of a scan on this machine.
 *
 * Reads N int64 amounts (pence) from a binary file into memory, then sums
 * them with a plain loop, best of R passes: the least time any engine could
 * take to read one 8-byte column of N rows from RAM on one core.
 * usage: sumloop FILE [R]; prints "rows N sum S seconds T". */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

int
main(int argc, char **argv)
{
	FILE *f;
	int64_t *v, sum = 0;
	long n;
	int reps = argc > 2 ? atoi(argv[2]) : 5;
	double best = 1e9;

	if (argc < 2 || (f = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "usage: sumloop FILE [R]\n");
		return (2);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f) / (long)sizeof(int64_t);
	rewind(f);
	if ((v = malloc((size_t)n * sizeof(*v) + 1)) == NULL ||
	    fread(v, sizeof(*v), (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "sumloop: cannot read %s\n", argv[1]);
		return (1);
	}
	for (int r = 0; r < reps; r++) {
		/* volatile: the sum must be computed again on each pass */
		volatile int64_t s = 0;
		double t0, t;
		int64_t acc = 0;

		/* the compiler may not hoist the sum out of the passes */
		__asm__ volatile("" : : "r"(v) : "memory");
		t0 = now();

		for (long i = 0; i < n; i++)
			acc += v[i];
		t = now() - t0;
		s = acc;
		if (t < best)
			best = t;
		sum = s;
	}
	printf("rows %ld sum %lld seconds %.9f\n", n, (long long)sum, best);
	return (0);
}
