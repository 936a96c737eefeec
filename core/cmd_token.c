/* cmd_token.c — placed token add | list | revoke. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "cli.h"
#include "token.h"

static int
token_list(const char *path)
{
	struct tokens t;
	char err[1024], when[32];
	int wn = 4, wp = 7;

	if (tokens_load(path, &t, err, sizeof(err)) != 0) {
		fprintf(stderr, "placed: token: %s\n", err);
		return (1);
	}
	for (size_t i = 0; i < t.n; i++) {
		int n = (int)strlen(t.v[i].name), p = (int)strlen(t.v[i].partner);

		wn = n > wn ? n : wn;
		wp = p > wp ? p : wp;
	}
	printf("%-*s  %-*s  %-7s  %s\n", wn, "name", wp, "partner", "role",
	    "created");
	for (size_t i = 0; i < t.n; i++) {
		time_t tt = (time_t)t.v[i].created;
		struct tm tm;

		gmtime_r(&tt, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		printf("%-*s  %-*s  %-7s  %s\n", wn, t.v[i].name, wp,
		    t.v[i].partner, role_name(t.v[i].role), when);
	}
	if (t.n == 0)
		fprintf(stderr, "placed: token: no tokens in %s\n", path);
	tokens_free(&t);
	return (0);
}

int
cmd_token(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "partner",	required_argument, NULL, 'p' },
		{ "role",	required_argument, NULL, 'r' },
		{ "tokens",	required_argument, NULL, 't' },
		{ "config",	required_argument, NULL, 'c' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_env env = { 0 };
	const char *partner = NULL, *rolestr = NULL, *sub, *name = NULL;
	char err[1024], secret[TOKEN_SECRET_SIZE];
	enum role role = ROLE_READER;
	int ch, rc, nargs;

	while ((ch = getopt_long(argc, argv, "c:h", lo, NULL)) != -1) {
		switch (ch) {
		case 'p': partner = optarg; break;
		case 'r': rolestr = optarg; break;
		case 't': env.tokens = optarg; break;
		case 'c': env.conf = optarg; break;
		case 'h':
			cli_help(stdout, "token");
			return (0);
		default:
			return (cli_usage("token", "bad option"));
		}
	}
	if (optind >= argc)
		return (cli_usage("token", "give a subcommand: add, list or "
		    "revoke"));
	sub = argv[optind];
	nargs = argc - optind - 1;
	if (strcmp(sub, "add") == 0) {
		if (nargs != 1)
			return (cli_usage("token", "add takes one NAME"));
		name = argv[optind + 1];
		if (partner == NULL || rolestr == NULL)
			return (cli_usage("token", "add needs --partner ID and "
			    "--role ROLE"));
		if (!token_name_ok(partner))
			return (cli_usage("token", "bad partner \"%s\": 1 to "
			    "%d of A-Z a-z 0-9 . _ -", partner, TOKEN_NAME_MAX));
		if (role_parse(rolestr, &role) != 0)
			return (cli_usage("token", "unknown role \"%s\": "
			    "reader, analyst, loader or admin", rolestr));
	} else if (strcmp(sub, "list") == 0 || strcmp(sub, "revoke") == 0) {
		if (partner || rolestr)
			return (cli_usage("token", "--partner and --role go "
			    "with add"));
		if (nargs != (sub[0] == 'r'))
			return (cli_usage("token", sub[0] == 'r' ? "revoke "
			    "takes one NAME" : "list takes no arguments"));
		if (sub[0] == 'r')
			name = argv[optind + 1];
	} else
		return (cli_usage("token", "unknown subcommand \"%s\": add, "
		    "list or revoke", sub));
	if (name && !token_name_ok(name))
		return (cli_usage("token", "bad token name \"%s\": 1 to %d of "
		    "A-Z a-z 0-9 . _ -", name, TOKEN_NAME_MAX));
	if ((rc = cli_resolve(&env)) != 0)
		return (rc);

	if (sub[0] == 'l')
		return (token_list(env.tokens));
	if (sub[0] == 'r') {
		if (token_revoke(env.tokens, name, err, sizeof(err)) != 0) {
			fprintf(stderr, "placed: token: %s\n", err);
			return (1);
		}
		fprintf(stderr, "placed: token \"%s\" revoked in %s\n", name,
		    env.tokens);
		return (0);
	}
	if (token_add(env.tokens, name, partner, role, secret,
	    sizeof(secret), err, sizeof(err)) != 0) {
		fprintf(stderr, "placed: token: %s\n", err);
		return (1);
	}
	printf("%s\n", secret);
	sodium_memzero(secret, sizeof(secret));
	if (fflush(stdout) != 0) {
		fprintf(stderr, "placed: token: could not write the secret; "
		    "revoke \"%s\" and add it again\n", name);
		return (1);
	}
	fprintf(stderr, "placed: token \"%s\" (partner %s, role %s) added to "
	    "%s.\nThe secret above will not be shown again: only its hash is "
	    "kept.\n", name, partner, role_name(role), env.tokens);
	return (0);
}
