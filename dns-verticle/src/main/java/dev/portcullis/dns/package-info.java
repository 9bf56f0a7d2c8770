package dev.portcullis.dns;
