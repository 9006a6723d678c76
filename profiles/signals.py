"""Stamps each historical row of the published record with the change request
that made it. `profiles.workflow` sets `_change_request` on the instance before
saving or deleting it."""

from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record


@receiver(pre_create_historical_record)
def stamp_change_request(sender, instance, history_instance, **kwargs):
    if hasattr(history_instance, "change_request_id"):
        history_instance.change_request = getattr(instance, "_change_request", None)
