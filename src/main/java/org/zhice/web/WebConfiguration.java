package org.zhice.web;

import java.time.Duration;
import java.util.Locale;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.MessageSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.ReloadableResourceBundleMessageSource;
import org.springframework.http.CacheControl;
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

    @Bean
    LocaleResolver localeResolver() {
        var resolver = new CookieLocaleResolver("zhice-lang");
        resolver.setDefaultLocale(Locale.SIMPLIFIED_CHINESE);
        resolver.setCookieMaxAge(Duration.ofDays(365));
        return resolver;
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
