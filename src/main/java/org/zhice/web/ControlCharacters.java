package org.zhice.web;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.MessageSource;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.LocaleResolver;

/**
 * Refuses a query or form parameter holding NUL (U+0000) with 400 and a message naming the field,
 * before it reaches a controller: PostgreSQL cannot store NUL in text and refuses it even as a query
 * parameter, so a NUL typed into any form (or a sign-in name) would otherwise end as a server error.
 * Runs after the character-encoding filter, so that parameters are read as UTF-8; multipart
 * bodies are left to their controllers, which strip control characters from file names.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class ControlCharacters extends OncePerRequestFilter {

    private final MessageSource messages;
    private final LocaleResolver locales;

    ControlCharacters(MessageSource messages, LocaleResolver locales) {
        this.messages = messages;
        this.locales = locales;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String type = request.getContentType();
        boolean form = type != null && type.toLowerCase(Locale.ROOT).startsWith(MediaType.APPLICATION_FORM_URLENCODED_VALUE);
        boolean multipart = type != null && type.toLowerCase(Locale.ROOT).startsWith(MediaType.MULTIPART_FORM_DATA_VALUE);
        if (!multipart && (form || request.getQueryString() != null)) {
            if (form && request.getCharacterEncoding() == null) {
                request.setCharacterEncoding("UTF-8");
            }
            for (Map.Entry<String, String[]> parameter : request.getParameterMap().entrySet()) {
                boolean nul = parameter.getKey().indexOf('\0') >= 0;
                for (String value : parameter.getValue()) {
                    nul |= value != null && value.indexOf('\0') >= 0;
                }
                if (nul) {
                    Locale locale = RequestSizeLimit.locale(request, locales);
                    String field = parameter.getKey().replace('\0', '\uFFFD');
                    RequestSizeLimit.refuse(request, response, HttpStatus.BAD_REQUEST,
                            messages.getMessage("web.badCharacter.title", null, "Bad Request", locale),
                            messages.getMessage("web.badCharacter.nul", new Object[] {field}, locale), locale, "");
                    return;
                }
            }
        }
        chain.doFilter(request, response);
    }
}
