// SPDX-License-Identifier: MIT
/*
 * kconfig-dump: load a Kconfig tree (and optionally a .config) with the
 * real parser from Debian's kconfig-frontends (libkconfig-parser) and print
 * the symbol model as JSON on stdout.
 *
 *   kconfig-dump KCONFIG [DOTCONFIG]
 *
 * configgen builds this on demand (umkconfig/helper.py) so that prompts,
 * menus, dependencies and "why did this value not take" come from the same
 * code kconfig-conf and kconfig-mconf run, never from a second parser.
 * Relative `source` lines are found through $srctree, as in conf.
 */
#include <stdlib.h>
#include <string.h>
#define KBUILD_NO_NLS 1
#include <kconfig/lkc.h>

/* ---- JSON output ------------------------------------------------------ */

static void json_string(const char *s)
{
	if (!s) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void json_key(const char *key)
{
	json_string(key);
	putchar(':');
}

/* ---- expressions as text ---------------------------------------------- */

struct dump_buf {
	char *s;
	size_t len, cap;
	int with_values; /* append " (=v)" after each symbol */
};

static void buf_add(struct dump_buf *b, const char *s)
{
	size_t n = strlen(s);
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s) {
			perror("kconfig-dump");
			exit(2);
		}
	}
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

static int sym_is_named(struct symbol *sym)
{
	return sym && sym->name && !(sym->flags & SYMBOL_CONST);
}

/* Defined by a Kconfig file (not a constant, not a parser built-in). */
static int sym_is_defined(struct symbol *sym)
{
	struct property *prop;

	if (!sym_is_named(sym) || sym->type == S_UNKNOWN)
		return 0;
	for_all_properties(sym, prop, P_SYMBOL)
		return 1;
	return 0;
}

static const char *choice_prompt(struct symbol *choice);

/* The choice of the symbol being printed: expr_print() calls it "<choice>". */
static struct symbol *current_choice;

static void expr_to_buf(void *data, struct symbol *sym, const char *str)
{
	struct dump_buf *b = data;

	if (!sym && !strcmp(str, "<choice>") && choice_prompt(current_choice)) {
		buf_add(b, "choice \"");
		buf_add(b, choice_prompt(current_choice));
		buf_add(b, "\"");
		return;
	}
	buf_add(b, str);
	if (b->with_values && sym_is_named(sym)) {
		sym_calc_value(sym);
		buf_add(b, " (=");
		buf_add(b, sym_get_string_value(sym));
		buf_add(b, ")");
	}
}

/* Print an expression twice: plain, and with each symbol's value. */
static void json_expr(const char *key, struct expr *e, tristate tri)
{
	struct dump_buf plain = { 0 }, valued = { 0 };
	static const char *const tri_name[] = { "n", "m", "y" };

	json_key(key);
	if (!e) {
		fputs("null", stdout);
		return;
	}
	valued.with_values = 1;
	buf_add(&plain, "");
	buf_add(&valued, "");
	expr_print(e, expr_to_buf, &plain, E_NONE);
	expr_print(e, expr_to_buf, &valued, E_NONE);
	putchar('{');
	json_key("text");
	json_string(plain.s);
	putchar(',');
	json_key("with_values");
	json_string(valued.s);
	putchar(',');
	json_key("value");
	json_string(tri_name[tri]);
	putchar('}');
	free(plain.s);
	free(valued.s);
}

/* ---- symbol properties ------------------------------------------------ */

static struct property *sym_prompt(struct symbol *sym)
{
	struct property *prop;

	for_all_prompts(sym, prop)
		if (prop->type == P_PROMPT)
			return prop;
	return NULL;
}

/* sym_get_range_prop() is static in libkconfig-parser: same rule here. */
static struct property *sym_active_range(struct symbol *sym)
{
	struct property *prop;

	for_all_properties(sym, prop, P_RANGE) {
		prop->visible.tri = expr_calc_value(prop->visible.expr);
		if (prop->visible.tri != no)
			return prop;
	}
	/*
	 * None active (e.g. the symbol's own dependencies are unmet, which
	 * the parser copies into every range's condition): report the first,
	 * so an out-of-range request can still be named.
	 */
	for_all_properties(sym, prop, P_RANGE)
		return prop;
	return NULL;
}

static const char *range_bound(struct symbol *bound)
{
	sym_calc_value(bound);
	return sym_get_string_value(bound);
}

static void json_range(struct symbol *sym)
{
	struct property *prop = sym_active_range(sym);

	json_key("range");
	if (!prop || !prop->expr || prop->expr->type != E_RANGE) {
		fputs("null", stdout);
		return;
	}
	putchar('[');
	json_string(range_bound(prop->expr->left.sym));
	putchar(',');
	json_string(range_bound(prop->expr->right.sym));
	putchar(']');
}

/* select/imply targets, each with its "if" condition. */
static void json_targets(const char *key, struct symbol *sym, enum prop_type type)
{
	struct property *prop;
	int first = 1;

	json_key(key);
	putchar('[');
	for_all_properties(sym, prop, type) {
		struct symbol *target = prop_get_symbol(prop);
		if (!first)
			putchar(',');
		first = 0;
		putchar('{');
		json_key("symbol");
		json_string(target ? target->name : NULL);
		putchar(',');
		json_expr("if", prop->visible.expr,
			  expr_calc_value(prop->visible.expr));
		putchar('}');
	}
	putchar(']');
}

/*
 * A real menu level: `menu`, `menuconfig` or `choice`. A symbol that merely
 * depends on the one above it is indented under it in menuconfig, but that
 * is not a menu anyone would name as the place where a symbol lives.
 */
static int menu_is_level(struct menu *menu)
{
	if (!menu->prompt || !menu->prompt->text)
		return 0;
	return menu->prompt->type == P_MENU ||
	       (menu->sym && sym_is_choice(menu->sym));
}

/* Menu prompts from the top level down to (not including) this entry. */
static void json_menu_path(struct menu *menu)
{
	const char *stack[64];
	int n = 0;

	json_key("menu_path");
	for (menu = menu ? menu->parent : NULL; menu && menu != &rootmenu;
	     menu = menu->parent)
		if (menu_is_level(menu) && n < 64)
			stack[n++] = menu->prompt->text;
	putchar('[');
	while (n-- > 0) {
		json_string(stack[n]);
		if (n)
			putchar(',');
	}
	putchar(']');
}

static struct menu *sym_menu(struct symbol *sym)
{
	struct property *prop = sym_prompt(sym);

	if (prop && prop->menu)
		return prop->menu;
	for_all_properties(sym, prop, P_SYMBOL)
		if (prop->menu)
			return prop->menu;
	return NULL;
}

static void json_defined_at(struct symbol *sym)
{
	struct property *prop;
	int first = 1;

	json_key("defined_at");
	putchar('[');
	for_all_properties(sym, prop, P_SYMBOL) {
		struct menu *m = prop->menu;
		if (!m || !m->file)
			continue;
		if (!first)
			putchar(',');
		first = 0;
		printf("\"%s:%d\"", m->file->name, m->lineno);
	}
	putchar(']');
}

static struct symbol *sym_choice_of(struct symbol *sym)
{
	struct property *prop;

	if (!sym_is_choice_value(sym))
		return NULL;
	prop = sym_get_choice_prop(sym);
	return prop ? prop_get_symbol(prop) : NULL;
}

static const char *choice_prompt(struct symbol *choice)
{
	struct property *prop = choice ? sym_prompt(choice) : NULL;

	return prop ? prop->text : NULL;
}

static const char *user_value(struct symbol *sym)
{
	static const char *const tri_name[] = { "n", "m", "y" };

	if (!sym_has_value(sym))
		return NULL;
	if (sym->type == S_BOOLEAN || sym->type == S_TRISTATE)
		return tri_name[sym->def[S_DEF_USER].tri];
	return sym->def[S_DEF_USER].val;
}

static void json_symbol(struct symbol *sym)
{
	static const char *const tri_name[] = { "n", "m", "y" };
	struct property *prompt = sym_prompt(sym);
	struct symbol *choice = sym_choice_of(sym);
	struct menu *menu = sym_menu(sym);

	sym_calc_value(sym);
	current_choice = choice;
	putchar('{');
	json_key("name");
	json_string(sym->name);
	putchar(',');
	json_key("type");
	json_string(sym_type_name(sym->type));
	putchar(',');
	json_key("value");
	json_string(sym_get_string_value(sym));
	putchar(',');
	json_key("default");
	json_string(sym_get_string_default(sym));
	putchar(',');
	json_key("user_value");
	json_string(user_value(sym));
	putchar(',');
	json_key("prompt");
	json_string(prompt ? prompt->text : NULL);
	putchar(',');
	json_expr("prompt_if", prompt ? prompt->visible.expr : NULL,
		  prompt ? expr_calc_value(prompt->visible.expr) : no);
	putchar(',');
	json_key("visible");
	json_string(tri_name[sym->visible]);
	putchar(',');
	json_key("changeable");
	fputs(sym_is_changable(sym) ? "true" : "false", stdout);
	putchar(',');
	json_key("written");
	fputs(sym->flags & SYMBOL_WRITE ? "true" : "false", stdout);
	putchar(',');
	json_menu_path(menu);
	putchar(',');
	json_defined_at(sym);
	putchar(',');
	json_expr("depends", sym->dir_dep.expr, sym->dir_dep.tri);
	putchar(',');
	json_expr("selected_by", sym->rev_dep.expr, sym->rev_dep.tri);
	putchar(',');
	json_expr("implied_by", sym->implied.expr, sym->implied.tri);
	putchar(',');
	json_targets("selects", sym, P_SELECT);
	putchar(',');
	json_targets("implies", sym, P_IMPLY);
	putchar(',');
	json_range(sym);
	putchar(',');
	json_key("choice");
	json_string(choice_prompt(choice));
	putchar(',');
	json_key("help");
	json_string(menu && menu->help ? menu->help : NULL);
	putchar('}');
}

/* A choice block: its members in Kconfig order and the one that won. */
static void json_choice(struct symbol *choice)
{
	struct property *prop = sym_get_choice_prop(choice);
	struct symbol *selected;
	struct expr *e;
	struct symbol *member;
	struct menu *menu = prop ? prop->menu : NULL;
	int first = 1;

	sym_calc_value(choice);
	/* curr.val is stale when the choice is invisible: ask the members. */
	selected = NULL;
	if (prop)
		expr_list_for_each_sym(prop->expr, e, member) {
			sym_calc_value(member);
			if (member->curr.tri == yes)
				selected = member;
		}
	putchar('{');
	json_key("prompt");
	json_string(choice_prompt(choice));
	putchar(',');
	json_key("selected");
	json_string(selected ? selected->name : NULL);
	putchar(',');
	json_key("optional");
	fputs(sym_is_optional(choice) ? "true" : "false", stdout);
	putchar(',');
	json_key("visible");
	fputs(choice->visible != no ? "true" : "false", stdout);
	putchar(',');
	json_expr("depends", choice->dir_dep.expr, choice->dir_dep.tri);
	putchar(',');
	prop = sym_prompt(choice);
	json_expr("prompt_if", prop ? prop->visible.expr : NULL,
		  prop ? expr_calc_value(prop->visible.expr) : no);
	prop = sym_get_choice_prop(choice);
	putchar(',');
	json_menu_path(menu);
	putchar(',');
	json_key("members");
	putchar('[');
	if (prop)
		expr_list_for_each_sym(prop->expr, e, member) {
			if (!first)
				putchar(',');
			first = 0;
			json_string(member->name);
		}
	putchar(']');
	putchar('}');
}

/* ---- main ------------------------------------------------------------- */

static void collect_message(const char *fmt, va_list ap)
{
	/* conf_read()'s notes go to stderr, where configgen shows them. */
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* Symbols in menu order (as menuconfig and .config show them), each once. */
static struct symbol **order;
static int order_len, order_cap;

static int order_has(struct symbol *sym)
{
	for (int i = 0; i < order_len; i++)
		if (order[i] == sym)
			return 1;
	return 0;
}

static void order_add(struct symbol *sym)
{
	if (!sym_is_defined(sym) || order_has(sym))
		return;
	if (order_len == order_cap) {
		order_cap = order_cap ? order_cap * 2 : 256;
		order = realloc(order, order_cap * sizeof(*order));
		if (!order) {
			perror("kconfig-dump");
			exit(2);
		}
	}
	order[order_len++] = sym;
}

static void order_walk(struct menu *menu)
{
	for (; menu; menu = menu->next) {
		if (menu->sym)
			order_add(menu->sym);
		if (menu->list)
			order_walk(menu->list);
	}
}

static void dump(void)
{
	struct symbol *sym;
	int i, first = 1;

	order_walk(rootmenu.list);
	for_all_symbols(i, sym)
		order_add(sym);
	printf("{");
	json_key("mainmenu");
	json_string(rootmenu.prompt ? rootmenu.prompt->text : NULL);
	printf(",\n");
	json_key("symbols");
	printf("[\n");
	for (i = 0; i < order_len; i++) {
		if (i)
			printf(",\n");
		json_symbol(order[i]);
	}
	printf("],\n");
	json_key("choices");
	printf("[\n");
	for_all_symbols(i, sym) {
		if (!sym_is_choice(sym))
			continue;
		if (!first)
			printf(",\n");
		first = 0;
		json_choice(sym);
	}
	printf("]}\n");
}

int main(int argc, char **argv)
{
	struct symbol *sym;
	int i;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: kconfig-dump KCONFIG [DOTCONFIG]\n");
		return 2;
	}
	conf_set_message_callback(collect_message);
	conf_parse(argv[1]);
	if (argc == 3 && conf_read(argv[2])) {
		fprintf(stderr, "kconfig-dump: cannot read %s\n", argv[2]);
		return 1;
	}
	for_all_symbols(i, sym)
		sym_calc_value(sym);
	dump();
	return ferror(stdout) ? 1 : 0;
}
