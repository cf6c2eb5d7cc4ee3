package org.zhice.web;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.zhice.identity.CurrentUser;

/** The public landing page and each signed-in user's workbench. */
@Controller
class HomeController {

    private final LandingFacts facts;

    HomeController(LandingFacts facts) {
        this.facts = facts;
    }

    @GetMapping("/")
    String landing(Model model) {
        model.addAttribute("programs", facts.programs());
        model.addAttribute("counts", facts.counts());
        return "web/index";
    }

    @GetMapping("/home")
    String home(Model model) {
        CurrentUser user = CurrentUser.require();
        model.addAttribute("programs", facts.programs());
        model.addAttribute("counts", facts.counts());
        model.addAttribute("user", user);
        return "web/home";
    }
}
