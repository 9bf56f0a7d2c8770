package dev.portcullis.api.policy;

public enum Verdict { ALLOW, DENY }
