package org.zhice.shared;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Personal data at rest (ID numbers, phone numbers) is encrypted with SM4 (GB/T 32907) in GCM
 * mode, a fresh 96-bit nonce per value. The 128-bit key comes from {@code ZHICE_DATA_KEY} (32 hex
 * characters); without it a key is generated once into {@code <data-dir>/data.key} (mode 600).
 * Stored form: {@code sm4:<base64(nonce ‖ ciphertext ‖ tag)>}; a value without the prefix is
 * read as plain text (rows written before encryption was switched on).
 */
@Component
public class SensitiveData {

    static final String PREFIX = "sm4:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Logger log = LoggerFactory.getLogger(SensitiveData.class);

    private final SecureRandom random = new SecureRandom();
    private final byte[] key;

    @org.springframework.beans.factory.annotation.Autowired
    SensitiveData(@Value("${zhice.data-key:}") String keyHex, @Value("${zhice.data-dir:./data}") String dataDir)
            throws IOException {
        this.key = StringUtils.hasText(keyHex) ? parse(keyHex) : keyFile(Path.of(dataDir).resolve("data.key"));
    }

    public SensitiveData(byte[] key) {
        if (key.length != 16) {
            throw new IllegalArgumentException("an SM4 key has 16 bytes");
        }
        this.key = key.clone();
    }

    public String encrypt(String plain) {
        if (plain == null) {
            return null;
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        GCMModeCipher cipher = GCMBlockCipher.newInstance(new SM4Engine());
        cipher.init(true, new AEADParameters(new KeyParameter(key), TAG_BITS, nonce));
        byte[] input = plain.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[NONCE_BYTES + cipher.getOutputSize(input.length)];
        System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
        int n = cipher.processBytes(input, 0, input.length, out, NONCE_BYTES);
        try {
            cipher.doFinal(out, NONCE_BYTES + n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException(e);
        }
        return PREFIX + Base64.getEncoder().encodeToString(out);
    }

    public String decrypt(String stored) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            return stored;
        }
        byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
        GCMModeCipher cipher = GCMBlockCipher.newInstance(new SM4Engine());
        cipher.init(false, new AEADParameters(new KeyParameter(key), TAG_BITS, java.util.Arrays.copyOf(all, NONCE_BYTES)));
        byte[] out = new byte[cipher.getOutputSize(all.length - NONCE_BYTES)];
        int n = cipher.processBytes(all, NONCE_BYTES, all.length - NONCE_BYTES, out, 0);
        try {
            n += cipher.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("personal data does not decrypt with this key (wrong ZHICE_DATA_KEY?)", e);
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    /** 138****5678: the first 3 and last 4 digits of a phone number. */
    public static String maskPhone(String phone) {
        if (phone == null || phone.length() < 7) {
            return phone == null ? null : "****";
        }
        return phone.substring(0, 3) + "****" + phone.substring(phone.length() - 4);
    }

    private static byte[] parse(String hex) {
        byte[] key = HexFormat.of().parseHex(hex.strip());
        if (key.length != 16) {
            throw new IllegalArgumentException("ZHICE_DATA_KEY must be 32 hex characters (a 128-bit SM4 key)");
        }
        return key;
    }

    private static byte[] keyFile(Path file) throws IOException {
        if (Files.exists(file)) {
            return parse(Files.readString(file));
        }
        Files.createDirectories(file.getParent());
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        Files.writeString(file, HexFormat.of().formatHex(key), StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        log.warn("generated a new personal-data key in {}; set ZHICE_DATA_KEY in production and back it up", file);
        return key;
    }
}
