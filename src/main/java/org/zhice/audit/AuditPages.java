package org.zhice.audit;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** Auditors read the audit trail and check that its hash chain is intact. */
@Controller
@PreAuthorize("hasAnyRole('AUDITOR', 'PROGRAM_OFFICE')")
class AuditPages {

    private final AuditLog audit;

    AuditPages(AuditLog audit) {
        this.audit = audit;
    }

    @GetMapping("/audit")
    String recent(Model model) {
        model.addAttribute("entries", audit.recent(200));
        model.addAttribute("verification", audit.verify());
        return "audit/log";
    }
}
