"""Schedule expressions (rate, cron, at) as a pure engine, shared by EventBridge rules and
EventBridge Scheduler; it lives outside services/ because services never import each other."""

from cloudlet.schedules.expressions import Schedule, ScheduleError, parse_schedule

__all__ = ["Schedule", "ScheduleError", "parse_schedule"]
