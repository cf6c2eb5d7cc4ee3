package org.zhice.policy;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;

/**
 * Puts a {@link ProgramError} into the reader's language. The parser writes its messages in
 * English (they also go to logs and the replay command); each known message maps to a key of
 * {@code i18n/policy*.properties}, its quoted values becoming the arguments. A message with no
 * mapping is shown as written, so nothing is ever hidden.
 */
@Component
class ProgramErrorText {

    private record Rule(Pattern pattern, String key) {
    }

    private static final List<Rule> RULES = List.of(
            rule("file not found", "file-not-found"),
            rule("cannot read: (.*)", "cannot-read"),
            rule("not valid UTF-8", "not-utf8"),
            rule("not valid YAML: (.*)", "not-yaml"),
            rule("empty program", "empty"),
            rule("a program is a mapping of keys to values", "not-mapping"),
            rule("must match \\[a-z0-9-\\]\\{3,64\\}: \"(.*)\"", "id"),
            rule("must be up to 6 digits of a GB/T 2260 code: \"(.*)\"", "region"),
            rule("must be claim_after_payment or provider_deducts: \"(.*)\"", "redemption-mode"),
            rule("must be a single value, not a list or mapping", "not-scalar"),
            rule("has no value", "no-value"),
            rule("must be an amount in yuan with up to 2 decimals: \"(.*)\"", "amount"),
            rule("must not be negative: (.*)", "negative"),
            rule("has more than 2 decimals: (.*)", "amount-decimals"),
            rule("is too large: (.*)", "number-too-large"),
            rule("must be a ratio with up to 4 decimals: \"(.*)\"", "ratio"),
            rule("ratio must be in \\(0, 1\\]: (.*)", "ratio-range"),
            rule("ratio has more than 4 decimals: (.*)", "ratio-decimals"),
            rule("must be a whole number: \"(.*)\"", "whole-number"),
            rule("must be true or false: \"(.*)\"", "boolean"),
            rule("must be a date YYYY-MM-DD: \"(.*)\"", "date"),
            rule("must be a mapping \\{ start: YYYY-MM-DD, end: YYYY-MM-DD \\}", "range"),
            rule("end (\\S+) is before start (\\S+)", "end-before-start"),
            rule("must be a mapping of category to ratio", "categories"),
            rule("is not one of the program's categories", "startup-category"),
            rule("must be a list of \\{ name, metric, goal, due \\}", "targets"),
            rule("must be a mapping \\{ name, metric, goal, due \\}", "target"),
            rule("must be a number: \"(.*)\"", "number"),
            rule("a key must be a plain name", "key-name"),
            rule("appears twice", "duplicate-key"),
            rule("is missing", "missing"),
            rule("unknown key", "unknown-key"),
            rule(Pattern.quote(ProgramFolder.TOO_LARGE), "file-too-large"),
            rule(Pattern.quote(ProgramFolder.SAME_ID) + "(.*)", "same-id"),
            rule(Pattern.quote(ProgramFolder.NOT_A_FOLDER), "not-a-folder"),
            rule(Pattern.quote(ProgramFolder.TOO_MANY), "too-many-files"));

    private final MessageSource messages;

    ProgramErrorText(MessageSource messages) {
        this.messages = messages;
    }

    private static Rule rule(String regex, String key) {
        return new Rule(Pattern.compile(regex, Pattern.DOTALL), "program.error." + key);
    }

    /** One error as shown to a reader: where it is, and what is wrong in their language. */
    record Shown(String file, int line, String key, String text) {
    }

    Shown show(ProgramError error, Locale locale) {
        return new Shown(error.file(), error.line(), error.key(), what(error.message(), locale));
    }

    /** A plain message of this bundle, for errors that are not about a place in a file. */
    String message(String key, Locale locale) {
        return messages.getMessage(key, null, key, locale);
    }

    /** Every message key an error may be shown with. */
    static List<String> keys() {
        List<String> keys = new java.util.ArrayList<>(RULES.stream().map(Rule::key).toList());
        keys.add("program.error.other");
        return keys;
    }

    /** The message key for a parser message, or {@code null} when it has none. */
    static String keyOf(String message) {
        for (Rule rule : RULES) {
            if (rule.pattern().matcher(message).matches()) {
                return rule.key();
            }
        }
        return null;
    }

    private String what(String message, Locale locale) {
        for (Rule rule : RULES) {
            Matcher m = rule.pattern().matcher(message);
            if (m.matches()) {
                Object[] args = new Object[m.groupCount()];
                for (int i = 0; i < args.length; i++) {
                    args[i] = m.group(i + 1);
                }
                return messages.getMessage(rule.key(), args, message, locale);
            }
        }
        return messages.getMessage("program.error.other", new Object[] {message}, message, locale);
    }
}
