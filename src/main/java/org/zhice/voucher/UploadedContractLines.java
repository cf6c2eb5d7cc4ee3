package org.zhice.voucher;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.stereotype.Component;
import org.zhice.metering.ContractLines;
import org.zhice.metering.MeteredContract;
import org.zhice.rules.Contract;

/**
 * Tells metering about the contracts uploaded here (signed outside the platform), so that
 * providers' usage against them is checked like usage against pool contracts. Uploaded contracts
 * never change once stored.
 */
@Component
class UploadedContractLines implements ContractLines {

    private final ContractFacts contracts;

    UploadedContractLines(ContractFacts contracts) {
        this.contracts = contracts;
    }

    @Override
    public Map<String, MeteredContract> find(Set<String> contractIds) {
        List<String> uploadedIds = contractIds.stream().filter(id -> id != null && id.startsWith("UC")).toList();
        Map<String, MeteredContract> found = new HashMap<>();
        if (uploadedIds.isEmpty()) {
            return found;
        }
        contracts.uploaded(uploadedIds).forEach((id, f) -> {
            Contract c = f.contract();
            found.put(id, new MeteredContract(c.id(), c.enterpriseUscc(), c.providerUscc(), c.signedOn(),
                    c.startOn(), c.endOn(), c.lines().stream()
                    .map(l -> new MeteredContract.Line(l.sku(), l.unitPriceFen(), l.quantityMaxMicros()))
                    .toList()));
        });
        return found;
    }
}
