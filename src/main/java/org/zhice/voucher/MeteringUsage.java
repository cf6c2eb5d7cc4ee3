package org.zhice.voucher;

import java.util.Collection;
import java.util.List;

import org.springframework.stereotype.Component;
import org.zhice.metering.Metering;
import org.zhice.metering.UsageAlreadyCountedException;

/** Usage as the metering module holds it: accepted, undisputed events, and the counted mark. */
@Component
class MeteringUsage implements MeteredUsage {

    private final Metering metering;

    MeteringUsage(Metering metering) {
        this.metering = metering;
    }

    @Override
    public List<Event> accepted(String contractId) {
        return metering.acceptedUsage(contractId).stream()
                .map(u -> new Event(u.usageId(), u.eventId(), u.providerUscc(), u.contractId(), u.sku(), u.start(),
                        u.end(), u.quantityMicros(), u.countedBy()))
                .toList();
    }

    @Override
    public void markCounted(String redemptionId, Collection<Long> usageIds) {
        try {
            metering.markCounted(redemptionId, usageIds);
        } catch (UsageAlreadyCountedException e) {
            throw VoucherException.conflict("voucher.error.usageChanged", e.usageIds().toString());
        }
    }
}
