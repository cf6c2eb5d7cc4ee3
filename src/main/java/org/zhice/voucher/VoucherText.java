package org.zhice.voucher;

import java.util.List;
import java.util.Locale;

import org.springframework.context.MessageSource;
import org.springframework.context.NoSuchMessageException;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;
import org.zhice.registry.RelatedPath;

/**
 * Plain-language text of the voucher pages, in the user's language: reason codes, risk flags,
 * refusals and related-party paths. Used in templates as {@code ${@voucherText.reason(code)}}.
 */
@Component("voucherText")
public class VoucherText {

    /** A message argument that is money in fen: shown as 元. */
    public record Amount(long fen) {
    }

    private final MessageSource messages;

    VoucherText(MessageSource messages) {
        this.messages = messages;
    }

    /** Fen as 元 with two decimals in the user's language (exact). */
    public static String yuan(long fen) {
        java.math.BigDecimal yuan = java.math.BigDecimal.valueOf(fen, 2);
        if ("en".equals(LocaleContextHolder.getLocale().getLanguage())) {
            return "¥" + String.format(Locale.ENGLISH, "%,.2f", yuan);
        }
        return String.format(Locale.CHINA, "%,.2f", yuan) + "元";
    }

    /** What a reason code means, e.g. RELATED_PARTY → "企业与服务商存在关联关系". */
    public String reason(String code) {
        return message("voucher.reason." + code, code);
    }

    public String flag(RiskFlags.Flag flag) {
        return message(flag.code(), flag.code(), flag.args());
    }

    String problem(VoucherException.Problem problem, Locale locale) {
        String text = messages.getMessage(problem.code(), args(problem.args()), problem.code(), locale);
        if (problem.field() == null) {
            return text;
        }
        String field = messages.getMessage("voucher.field." + problem.field(), null, problem.field(), locale);
        return field + ": " + text;
    }

    public String problems(VoucherException e) {
        Locale locale = LocaleContextHolder.getLocale();
        return String.join("; ", e.problems().stream().map(p -> problem(p, locale)).toList());
    }

    /** The path as names and relation types, e.g. 甲公司 —股东— 张三 —法定代表人— 乙算力. */
    public String path(RelatedPath path) {
        StringBuilder text = new StringBuilder(path.parties().get(0).name());
        for (int i = 0; i < path.links().size(); i++) {
            RelatedPath.Link link = path.links().get(i);
            text.append(" —").append(message("registry.relation." + link.type(), link.type())).append("— ")
                    .append(path.parties().get(i + 1).name());
        }
        return text.toString();
    }

    /** A quantity in millionths as plain text, e.g. 8 or 0.5. */
    public String quantity(long micros) {
        return org.zhice.rules.Quantities.format(micros);
    }

    /** Every reason of a list, in plain language. */
    public List<String> reasons(List<String> codes) {
        return codes.stream().map(this::reason).toList();
    }

    private String message(String key, String fallback, Object... args) {
        Locale locale = LocaleContextHolder.getLocale();
        try {
            return messages.getMessage(key, args(args), locale);
        } catch (NoSuchMessageException e) {
            return fallback;
        }
    }

    private Object[] args(Object[] args) {
        if (args == null) {
            return null;
        }
        Object[] shown = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            shown[i] = args[i] instanceof Amount amount ? yuan(amount.fen()) : args[i];
        }
        return shown;
    }
}
