package org.zhice.registry;

import java.util.Locale;

/** A GB/T 2260 administrative division: six digits, a Chinese and an English name. */
public record Region(String code, String nameZh, String nameEn, String parentCode) {

    public String name(Locale locale) {
        return locale != null && "en".equals(locale.getLanguage()) ? nameEn : nameZh;
    }

    /**
     * The prefix that codes inside this region start with: two digits for a province
     * ({@code 330000}), four for a prefecture city ({@code 330100}), all six otherwise.
     */
    public String prefix() {
        return prefixOf(code);
    }

    static String prefixOf(String code) {
        if (code.endsWith("0000")) {
            return code.substring(0, 2);
        }
        if (code.endsWith("00")) {
            return code.substring(0, 4);
        }
        return code;
    }
}
