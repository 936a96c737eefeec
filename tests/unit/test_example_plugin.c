/*
 * test_example_plugin.c — the example plugin unit-tested the way a plugin
 * author would: its source linked with the mock host, no server.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "mock_host.h"

extern const struct placed_plugin placed_plugin;

static struct mock_host m;
static void *state;
static char err[512];

static void
setup(void)
{
	mock_host_init(&m);
}

TestSuite(example, .init = setup);

static int
classify(const char *scheme, const char *account, struct placed_share *sh)
{
	const char *f[] = { account };
	const struct placed_classifier *c = mock_host_classifier(&m, scheme);

	cr_assert_not_null(c, "no classifier for %s", scheme);
	err[0] = '\0';
	return (mock_classify(c, "spend", f, 1, sh, 4, err, sizeof(err)));
}

Test(example, registers)
{
	cr_assert_eq(mock_host_load(&m, &placed_plugin, &state, err,
	    sizeof(err)), 0, "%s", err);
	cr_expect_str_eq(placed_plugin.name, "example-scheme");
	cr_assert_eq(m.nschemes, 1);
	cr_expect_str_eq(m.schemes[0].name, "chigley-cc");
	cr_expect_eq(m.schemes[0].ncodes, 8);
	cr_expect_eq(m.nclassifiers, 3);
	cr_expect_str_eq(m.classifiers[2].scheme, "wales");
	mock_host_unload(&placed_plugin, state);
}

Test(example, classifies_accounts)
{
	struct placed_share sh[4];

	cr_assert_eq(mock_host_load(&m, &placed_plugin, &state, err,
	    sizeof(err)), 0, "%s", err);
	cr_assert_eq(classify("cofog", "account=C4410 Reablement", sh), 1,
	    "%s", err);
	cr_expect_str_eq(sh[0].code, "10.1.2");
	cr_assert_eq(classify("wales", "account=C4410 Reablement", sh), 1);
	cr_expect_str_eq(sh[0].code, "secondary");
	cr_assert_eq(classify("chigley-cc", "account=C4120 Occupational "
	    "therapy", sh), 1);
	cr_expect_str_eq(sh[0].code, "C4120");
	cr_assert_eq(classify("wales", "account=C1300 Voluntary sector grants",
	    sh), 2);
	cr_expect_str_eq(sh[0].code, "primary");
	cr_expect_eq(sh[0].bp, 6000);
	cr_expect_eq(sh[1].bp, 4000);
	/* Another partner's account is not ours; an unknown cost centre of
	 * ours is an error. */
	cr_expect_eq(classify("cofog", "account=ED100 Emergency department",
	    sh), 0);
	cr_expect_eq(classify("cofog", "account=C7777 New thing", sh), -1);
	cr_expect_str_eq(err, "cost centre \"C7777\" has no rule (line 1)");
	mock_host_unload(&placed_plugin, state);
}

Test(example, settings)
{
	struct placed_share sh[4];

	mock_host_set_config(&m, "field", "ledger_code");
	mock_host_set_config(&m, "prevention", "scotland");
	cr_assert_eq(mock_host_load(&m, &placed_plugin, &state, err,
	    sizeof(err)), 0, "%s", err);
	cr_expect_str_eq(m.classifiers[2].scheme, "scotland");
	cr_expect_eq(classify("cofog", "ledger_code=C4500", sh), 1);
	cr_expect_str_eq(sh[0].code, "10.2.0");
	cr_expect_eq(classify("cofog", "account=C4500", sh), 0);
	mock_host_unload(&placed_plugin, state);
}

Test(example, failed_registration_undone)
{
	m.fail_register = 1;
	cr_expect_eq(mock_host_load(&m, &placed_plugin, &state, err,
	    sizeof(err)), -1);
	cr_expect_str_eq(err, "plugin \"example-scheme\": init failed (-1)");
}
