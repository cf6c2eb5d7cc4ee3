package org.zhice.web;

import java.io.IOException;
import java.util.Locale;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.MessageSource;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.util.HtmlUtils;

/**
 * Puts a limit on every request body: a declared length over it is refused before reading, and a
 * chunked body is cut off as soon as it passes it, with 413 and a message in the reader's language
 * that says the limit. A multipart upload whose declared length is over the multipart limit
 * ({@code spring.servlet.multipart.max-request-size}) is refused here too, before anything parses
 * it: otherwise the container answers its own English error page, or the CSRF token inside the
 * unparsed body is missed and the upload is answered 403.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestSizeLimit extends OncePerRequestFilter {

    private final long maxBytes;
    private final long maxUploadBytes;
    private final MessageSource messages;
    private final LocaleResolver locales;

    RequestSizeLimit(@Value("${zhice.max-request-bytes:33554432}") long maxBytes,
                     @Value("${spring.servlet.multipart.max-request-size:20MB}") DataSize maxUpload,
                     MessageSource messages, LocaleResolver locales) {
        this.maxBytes = maxBytes;
        this.maxUploadBytes = maxUpload.toBytes();
        this.messages = messages;
        this.locales = locales;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String type = request.getContentType();
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith(MediaType.MULTIPART_FORM_DATA_VALUE)) {
            if (request.getContentLengthLong() > maxUploadBytes) {
                refuse(request, response, "web.tooLarge.upload", maxUploadBytes);
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        if (request.getContentLengthLong() > maxBytes) {
            refuse(request, response, "web.tooLarge.body", maxBytes);
            return;
        }
        try {
            chain.doFilter(new Limited(request, maxBytes), response);
        } catch (TooLarge e) {
            if (!response.isCommitted()) {
                response.reset();
                refuse(request, response, "web.tooLarge.body", maxBytes);
            }
        }
    }

    /** 413 with the limit in MB, as a small page for a browser and as a problem (RFC 9457) otherwise. */
    private void refuse(HttpServletRequest request, HttpServletResponse response, String key, long limit)
            throws IOException {
        Locale locale = locale(request);
        String megabytes = Long.toString(Math.max(1, limit >> 20));
        refuse(request, response, HttpStatus.CONTENT_TOO_LARGE,
                messages.getMessage("web.tooLarge.title", null, "Content Too Large", locale),
                messages.getMessage(key, new Object[] {megabytes}, key, locale), locale, ",\"limitBytes\":" + limit);
    }

    /** A refusal before any controller: a small page for a browser, a problem (RFC 9457) otherwise. */
    static void refuse(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String title,
                       String detail, Locale locale, String extraJson) throws IOException {
        response.setStatus(status.value());
        response.setCharacterEncoding("UTF-8");
        String accept = request.getHeader("Accept");
        if (accept != null && accept.contains(MediaType.TEXT_HTML_VALUE)) {
            response.setContentType(MediaType.TEXT_HTML_VALUE);
            response.getWriter().write("<!DOCTYPE html><html lang=\"" + (locale.getLanguage().equals("en") ? "en" : "zh-CN")
                    + "\"><head><meta charset=\"UTF-8\"><title>" + HtmlUtils.htmlEscape(title) + "</title>"
                    + "<link rel=\"stylesheet\" href=\"/css/zhice.css\"></head><body><main><h1>" + HtmlUtils.htmlEscape(title)
                    + "</h1><p class=\"error\">" + HtmlUtils.htmlEscape(detail) + "</p></main></body></html>");
            return;
        }
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getWriter().write("{\"status\":" + status.value() + ",\"title\":\"" + json(title) + "\",\"detail\":\""
                + json(detail) + "\"" + extraJson + "}");
    }

    /** {@code ?lang=} in the query string (the body is not read for it), else the reader's chosen language. */
    Locale locale(HttpServletRequest request) {
        return locale(request, locales);
    }

    static Locale locale(HttpServletRequest request, LocaleResolver locales) {
        String query = request.getQueryString();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("lang=")) {
                    return pair.substring(5).toLowerCase(Locale.ROOT).startsWith("en") ? Locale.ENGLISH
                            : Locale.SIMPLIFIED_CHINESE;
                }
            }
        }
        return locales.resolveLocale(request);
    }

    private static String json(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static final class TooLarge extends IOException {
        TooLarge() {
            super("request body too large");
        }
    }

    private static final class Limited extends HttpServletRequestWrapper {
        private final long max;
        private ServletInputStream stream;

        Limited(HttpServletRequest request, long max) {
            super(request);
            this.max = max;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream in = super.getInputStream();
                stream = new ServletInputStream() {
                    long read;

                    @Override
                    public int read() throws IOException {
                        int b = in.read();
                        if (b >= 0 && ++read > max) {
                            throw new TooLarge();
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buffer, int off, int len) throws IOException {
                        int n = in.read(buffer, off, len);
                        if (n > 0 && (read += n) > max) {
                            throw new TooLarge();
                        }
                        return n;
                    }

                    @Override
                    public boolean isFinished() {
                        return in.isFinished();
                    }

                    @Override
                    public boolean isReady() {
                        return in.isReady();
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        in.setReadListener(listener);
                    }
                };
            }
            return stream;
        }
    }
}
