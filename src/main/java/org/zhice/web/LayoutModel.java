package org.zhice.web;

import java.util.List;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.zhice.identity.CurrentUser;

/** What every page's layout needs: who is signed in, their menu, and the language links. */
@ControllerAdvice(annotations = org.springframework.stereotype.Controller.class)
class LayoutModel {

    @ModelAttribute("me")
    CurrentUser me() {
        return CurrentUser.get().orElse(null);
    }

    @ModelAttribute("nav")
    List<Navigation.Item> nav() {
        return Navigation.forUser(CurrentUser.get().orElse(null));
    }

    @ModelAttribute("currentPath")
    String currentPath(HttpServletRequest request) {
        return request.getRequestURI();
    }

    @ModelAttribute("langZhUrl")
    String langZhUrl(HttpServletRequest request) {
        return withLang(request, "zh-CN");
    }

    @ModelAttribute("langEnUrl")
    String langEnUrl(HttpServletRequest request) {
        return withLang(request, "en");
    }

    @ModelAttribute("english")
    boolean english(Locale locale) {
        return "en".equals(locale.getLanguage());
    }

    private static String withLang(HttpServletRequest request, String lang) {
        if (!"GET".equals(request.getMethod())) {
            return request.getContextPath() + "/?lang=" + lang;
        }
        return ServletUriComponentsBuilder.fromRequest(request)
                .replaceQueryParam("lang", lang)
                .replaceQueryParam("continue")
                .build()
                .toUriString()
                .replaceFirst("^https?://[^/]+", "");
    }
}
