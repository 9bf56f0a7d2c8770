/** Stage 2: ask the policy role, through a near-cache that a policy change clears. */
package dev.portcullis.proxy.decide;
