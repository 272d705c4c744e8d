"""Serializers: the API's shapes. They describe and check input; they decide no rule."""
