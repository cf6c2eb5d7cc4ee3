package org.zhice.web;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.MessageSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.ReloadableResourceBundleMessageSource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.i18n.CookieLocaleResolver;
import org.springframework.web.servlet.i18n.LocaleChangeInterceptor;
import org.springframework.web.servlet.resource.LiteWebJarsResourceResolver;

/**
 * zh-CN first, English second. Every module keeps its messages in {@code i18n/<module>.properties}
 * (Chinese) and {@code i18n/<module>_en.properties}; {@code ?lang=en} or {@code ?lang=zh-CN} on
 * any page switches and remembers the choice in a cookie.
 */
@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {

    static final String[] MESSAGE_BUNDLES = {
            "classpath:i18n/web", "classpath:i18n/identity", "classpath:i18n/registry",
            "classpath:i18n/policy", "classpath:i18n/voucher", "classpath:i18n/shared",
            "classpath:i18n/ledger", "classpath:i18n/audit", "classpath:i18n/pool",
            "classpath:i18n/metering"};

    private final Duration staticCachePeriod;

    WebConfiguration(@Value("${spring.web.resources.cache.period:7d}") Duration staticCachePeriod) {
        this.staticCachePeriod = staticCachePeriod;
    }

    @Bean
    MessageSource messageSource() {
        var source = new ReloadableResourceBundleMessageSource();
        source.setBasenames(MESSAGE_BUNDLES);
        source.setDefaultEncoding("UTF-8");
        source.setFallbackToSystemLocale(false);
        source.setDefaultLocale(Locale.SIMPLIFIED_CHINESE);
        source.setUseCodeAsDefaultMessage(false);
        return source;
    }

    /**
     * The language of a request: {@code ?lang=} (which also sets the cookie), else the
     * {@code zhice-lang} cookie, else the first language of {@code Accept-Language} that Zhice
     * speaks, else Chinese. So an API client that sends {@code Accept-Language: en} gets its
     * messages in English without a cookie or parameter.
     */
    @Bean
    LocaleResolver localeResolver() {
        var resolver = new CookieLocaleResolver("zhice-lang");
        resolver.setDefaultLocaleFunction(request -> preferredLanguage(request.getHeader(HttpHeaders.ACCEPT_LANGUAGE)));
        resolver.setCookieMaxAge(Duration.ofDays(365));
        return resolver;
    }

    /** The first of Chinese and English in an {@code Accept-Language} header (by weight); Chinese otherwise. */
    static Locale preferredLanguage(String acceptLanguage) {
        if (acceptLanguage == null || acceptLanguage.isBlank()) {
            return Locale.SIMPLIFIED_CHINESE;
        }
        List<Locale.LanguageRange> ranges;
        try {
            ranges = Locale.LanguageRange.parse(acceptLanguage); // sorted by weight, q=0 left out
        } catch (IllegalArgumentException e) {
            return Locale.SIMPLIFIED_CHINESE;
        }
        for (Locale.LanguageRange range : ranges) {
            String language = range.getRange().split("-", 2)[0];
            if (language.equals("zh")) {
                return Locale.SIMPLIFIED_CHINESE;
            }
            if (language.equals("en")) {
                return Locale.ENGLISH;
            }
        }
        return Locale.SIMPLIFIED_CHINESE;
    }

    /**
     * Static files under their own prefixes only ({@code spring.web.resources.add-mappings=false}
     * turns off Spring Boot's {@code /**}). With {@code /**}, the link rewriting of the resource
     * chain tried every link of every page ({@code /public/notices/…}, {@code ?lang=en}, …) as a
     * file in the jars, uncached on a miss: about half the CPU of rendering the public 公示 page
     * (docs/performance.md, "Load").
     */
    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        CacheControl cache = CacheControl.maxAge(staticCachePeriod);
        registry.addResourceHandler("/css/**").addResourceLocations("classpath:/static/css/").setCacheControl(cache);
        registry.addResourceHandler("/js/**").addResourceLocations("classpath:/static/js/").setCacheControl(cache);
        registry.addResourceHandler("/img/**").addResourceLocations("classpath:/static/img/").setCacheControl(cache);
        registry.addResourceHandler("/webjars/**").addResourceLocations("classpath:/META-INF/resources/webjars/")
                .setCacheControl(cache)
                .resourceChain(true)
                .addResolver(new LiteWebJarsResourceResolver());
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        var change = new LocaleChangeInterceptor();
        change.setParamName("lang");
        registry.addInterceptor(change);
    }
}
