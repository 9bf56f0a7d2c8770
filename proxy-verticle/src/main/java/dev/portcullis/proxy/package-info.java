package dev.portcullis.proxy;
