/** The answer cache: TTL clamped to [min-ttl, max-ttl], negative caching, one query per name in flight. */
package dev.portcullis.dns.cache;
