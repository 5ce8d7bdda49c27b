from ninja import Router

indicators_router = Router()
