package org.zhice.web;

import java.util.ArrayList;
import java.util.List;

import org.zhice.identity.CurrentUser;
import org.zhice.identity.Role;

/** The menu a user sees: only what their role may open. Labels are message keys. */
final class Navigation {

    record Item(String labelKey, String href) {
    }

    private Navigation() {
    }

    static List<Item> forUser(CurrentUser user) {
        List<Item> items = new ArrayList<>();
        if (user == null) {
            items.add(new Item("nav.home", "/"));
            items.add(new Item("nav.public.notices", "/public/notices"));
            items.add(new Item("nav.programs", "/public/programs"));
            items.add(new Item("nav.pool", "/public/pool"));
            return items;
        }
        items.add(new Item("nav.workbench", "/home"));
        Role role = user.role();
        switch (role) {
            case PROGRAM_OFFICE -> {
                items.add(new Item("nav.programs", "/programs"));
                items.add(new Item("nav.organisations", "/registry/organisations"));
                items.add(new Item("nav.import", "/registry/import"));
                items.add(new Item("nav.vouchers", "/vouchers/office"));
                items.add(new Item("nav.pool.review", "/pool/review"));
                items.add(new Item("nav.pool.matching", "/pool/matching"));
                items.add(new Item("nav.pool.contracts", "/pool/contracts"));
                items.add(new Item("nav.ledger", "/ledger"));
                items.add(new Item("nav.metering.disputes", "/metering/disputes"));
            }
            case REVIEWER, APPROVER -> {
                items.add(new Item("nav.queue", "/vouchers/queue"));
                items.add(new Item("nav.organisations", "/registry/organisations"));
                items.add(new Item("nav.programs", "/programs"));
            }
            case ENTERPRISE -> {
                items.add(new Item("nav.my.vouchers", "/vouchers/mine"));
                items.add(new Item("nav.pool.demands", "/pool/demands"));
                items.add(new Item("nav.pool.contracts", "/pool/contracts"));
                items.add(new Item("nav.metering.usage", "/metering/usage"));
                items.add(new Item("nav.my.organisation", "/registry/organisations/" + user.orgUscc()));
                items.add(new Item("nav.programs", "/programs"));
            }
            case PROVIDER -> {
                items.add(new Item("nav.pool.offerings", "/pool/offerings"));
                items.add(new Item("nav.pool.contracts", "/pool/contracts"));
                items.add(new Item("nav.provider.vouchers", "/vouchers/mine"));
                items.add(new Item("nav.metering.uploads", "/metering/uploads"));
                items.add(new Item("nav.my.organisation", "/registry/organisations/" + user.orgUscc()));
                items.add(new Item("nav.programs", "/programs"));
            }
            case AUDITOR -> {
                items.add(new Item("nav.ledger", "/ledger"));
                items.add(new Item("nav.organisations", "/registry/organisations"));
                items.add(new Item("nav.programs", "/programs"));
                items.add(new Item("nav.pool.contracts", "/pool/contracts"));
                items.add(new Item("nav.audit", "/audit"));
            }
        }
        items.add(new Item("nav.public.notices", "/public/notices"));
        items.add(new Item("nav.pool", "/public/pool"));
        return items;
    }
}
