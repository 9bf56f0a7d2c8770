package dev.portcullis.ca.root;

/**
 * A CA read by a {@link CaSource}.
 *
 * @param material  the checked CA
 * @param digest    digest of the bytes it was read from, for {@link CaReloader}
 * @param generated whether it was generated just now (first start)
 */
public record Loaded(CaMaterial material, byte[] digest, boolean generated) {

    @Override
    public String toString() {
        return "Loaded[" + material + (generated ? ", generated" : "") + "]";
    }
}
