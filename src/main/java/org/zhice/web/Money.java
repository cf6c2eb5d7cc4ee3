package org.zhice.web;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;

/**
 * Formats money for pages: fen in, 元 out, exact. Large sums read as 万元/亿元 in Chinese
 * and as yuan with separators in English. Used in templates as {@code ${@money.yuan(fen)}}.
 */
@Component("money")
public class Money {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    private static final BigDecimal WAN = BigDecimal.valueOf(10_000);
    private static final BigDecimal YI = BigDecimal.valueOf(100_000_000);

    public String yuan(long fen) {
        BigDecimal yuan = BigDecimal.valueOf(fen).movePointLeft(2);
        Locale locale = LocaleContextHolder.getLocale();
        if ("en".equals(locale.getLanguage())) {
            return "¥" + String.format(Locale.ENGLISH, "%,.2f", yuan);
        }
        BigDecimal abs = yuan.abs();
        if (abs.compareTo(YI) >= 0 && yuan.remainder(BigDecimal.valueOf(1_000_000)).signum() == 0) {
            return yuan.divide(YI).stripTrailingZeros().toPlainString() + "亿元";
        }
        if (abs.compareTo(WAN) >= 0 && yuan.remainder(HUNDRED).signum() == 0) {
            return yuan.divide(WAN).stripTrailingZeros().toPlainString() + "万元";
        }
        return String.format(Locale.CHINA, "%,.2f", yuan) + "元";
    }

    public String percent(BigDecimal ratio) {
        return ratio.multiply(HUNDRED).setScale(2, RoundingMode.UNNECESSARY).stripTrailingZeros().toPlainString() + "%";
    }
}
