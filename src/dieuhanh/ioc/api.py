from ninja import Router

ioc_router = Router()
