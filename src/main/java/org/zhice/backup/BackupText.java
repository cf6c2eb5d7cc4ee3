package org.zhice.backup;

import java.util.Locale;

import org.springframework.context.support.ReloadableResourceBundleMessageSource;

/**
 * The commands' messages ({@code i18n/backup.properties}, {@code i18n/backup_en.properties}): Chinese,
 * or English with {@code --lang=en} or an English system locale, as {@code verify-ledger}.
 */
final class BackupText {

    private final ReloadableResourceBundleMessageSource source = new ReloadableResourceBundleMessageSource();
    final Locale locale;

    BackupText(String[] args) {
        source.setBasename("classpath:i18n/backup");
        source.setDefaultEncoding("UTF-8");
        source.setFallbackToSystemLocale(false);
        source.setDefaultLocale(Locale.SIMPLIFIED_CHINESE);
        Locale chosen = Locale.getDefault().getLanguage().equals("en") ? Locale.ENGLISH : Locale.SIMPLIFIED_CHINESE;
        for (String arg : args) {
            if (arg.equals("--lang=en")) {
                chosen = Locale.ENGLISH;
            } else if (arg.equals("--lang=zh-CN")) {
                chosen = Locale.SIMPLIFIED_CHINESE;
            }
        }
        this.locale = chosen;
    }

    String get(String key, Object... args) {
        return source.getMessage(key, args, locale);
    }

    /** The one argument that is not an option ({@code --…}), or {@code null} when there is not exactly one. */
    static String file(String[] args) {
        String file = null;
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                if (file != null) {
                    return null;
                }
                file = arg;
            }
        }
        return file;
    }
}
