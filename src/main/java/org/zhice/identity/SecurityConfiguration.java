package org.zhice.identity;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.MessageSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.LocaleResolver;

/**
 * Two doors. {@code /api/**} is for machine clients: stateless, a bearer token on every call,
 * no cookies and so no CSRF. Everything else is for people: form login, a session cookie and
 * CSRF tokens on every form (htmx sends the token from a meta tag).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
@EnableMethodSecurity
class SecurityConfiguration {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
            + "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'";

    static final String[] PUBLIC_PATHS = {
            "/", "/login", "/about", "/public/**", "/css/**", "/js/**", "/img/**", "/webjars/**",
            "/favicon.ico", "/error", "/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html"};

    @Bean
    @Order(1)
    SecurityFilterChain api(HttpSecurity http, ApiTokens tokens, MessageSource messages, LocaleResolver locales)
            throws Exception {
        http.securityMatcher("/api/**")
                .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(c -> c.disable())
                .addFilterBefore(new BearerTokenFilter(tokens), UsernamePasswordAuthenticationFilter.class)
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((req, res, ex) -> problem(res, HttpStatus.UNAUTHORIZED,
                                messages.getMessage("identity.api.unauthorized", null, locale(req, locales))))
                        .accessDeniedHandler((req, res, ex) -> problem(res, HttpStatus.FORBIDDEN,
                                messages.getMessage("identity.api.forbidden", null, locale(req, locales)))))
                .headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives("default-src 'none'")));
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain pages(HttpSecurity http) throws Exception {
        // Coarse rules by URL here, the fine ones (and the organisation scoping) in each module:
        // a request a role may never make is refused before its body is even read.
        http.authorizeHttpRequests(a -> a
                        .requestMatchers(PUBLIC_PATHS).permitAll()
                        .requestMatchers(HttpMethod.POST, "/ledger/**").hasRole("PROGRAM_OFFICE")
                        .requestMatchers("/ledger/**", "/audit/**").hasAnyRole("PROGRAM_OFFICE", "AUDITOR")
                        .requestMatchers(HttpMethod.POST, "/vouchers/office/**").hasRole("PROGRAM_OFFICE")
                        .requestMatchers("/vouchers/office/**").hasAnyRole("PROGRAM_OFFICE", "AUDITOR")
                        .requestMatchers("/vouchers/queue/**").hasAnyRole("REVIEWER", "APPROVER", "PROGRAM_OFFICE", "AUDITOR")
                        .requestMatchers(HttpMethod.POST, "/vouchers/contracts", "/vouchers/apply").hasRole("ENTERPRISE")
                        .requestMatchers("/pool/demands/**").hasRole("ENTERPRISE")
                        .requestMatchers("/pool/offerings/**").hasRole("PROVIDER")
                        .requestMatchers("/pool/review/**").hasRole("PROGRAM_OFFICE")
                        .requestMatchers("/registry/import/**").hasRole("PROGRAM_OFFICE")
                        .anyRequest().authenticated())
                .formLogin(f -> f.loginPage("/login").defaultSuccessUrl("/home", false).permitAll()
                        .failureHandler((req, res, ex) -> res.sendRedirect(req.getContextPath()
                                + (ex instanceof org.springframework.security.authentication.LockedException
                                ? "/login?locked" : "/login?error"))))
                .logout(l -> l.logoutUrl("/logout").logoutSuccessUrl("/?signedOut"))
                .headers(h -> h
                        .contentSecurityPolicy(c -> c.policyDirectives(CONTENT_SECURITY_POLICY))
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)));
        return http.build();
    }

    /**
     * The language of a refused API request: its {@code ?lang=} (a refusal comes before the
     * interceptor that reads it), else what the locale resolver says (cookie, Accept-Language).
     */
    private static java.util.Locale locale(HttpServletRequest req, LocaleResolver locales) {
        String lang = req.getParameter("lang");
        if ("en".equals(lang)) {
            return java.util.Locale.ENGLISH;
        }
        if ("zh-CN".equals(lang) || "zh".equals(lang)) {
            return java.util.Locale.SIMPLIFIED_CHINESE;
        }
        return locales.resolveLocale(req);
    }

    private static void problem(HttpServletResponse res, HttpStatus status, String detail) throws IOException {
        res.setStatus(status.value());
        res.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        res.setCharacterEncoding("UTF-8");
        res.getWriter().write("{\"status\":" + status.value() + ",\"title\":\"" + status.getReasonPhrase()
                + "\",\"detail\":\"" + detail.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
    }

    /** Authenticates {@code Authorization: Bearer zt_…} against the stored token hashes. */
    static final class BearerTokenFilter extends OncePerRequestFilter {
        private final ApiTokens tokens;

        BearerTokenFilter(ApiTokens tokens) {
            this.tokens = tokens;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String header = request.getHeader("Authorization");
            if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                tokens.authenticate(header.substring(7).trim()).ifPresent(user -> {
                    var auth = UsernamePasswordAuthenticationToken.authenticated(user, null, user.getAuthorities());
                    SecurityContextHolder.getContext().setAuthentication(auth);
                });
            }
            chain.doFilter(request, response);
        }
    }
}
